/*
 * replay.c - the measured loop (see replay.h).
 *
 * replay_trace is kept out of line so that `make callgrind` can count exactly its
 * instructions (valgrind --toggle-collect=replay_trace).
 */
#include "replay.h"
#include "sm.h"

__attribute__((noinline)) size_t replay_trace(const struct trace *t, void **ptrs)
{
    const struct op *o = t->ops, *end = t->ops + t->num_ops;
    for (; o < end; o++) {
        void *p;
        switch (o->kind) {
        case OP_ALLOC:
            p = sm_malloc(o->size);
            break;
        case OP_REALLOC:
            p = sm_realloc(ptrs[o->id], o->size);
            break;
        default:
            sm_free(ptrs[o->id]);
            ptrs[o->id] = NULL;
            continue;
        }
        if (__builtin_expect(p == NULL, 0)) return (size_t) (o - t->ops) + 1;
        ptrs[o->id] = p;
    }
    return 0;
}

void replay_cleanup(const struct trace *t, void **ptrs)
{
    for (uint32_t id = 0; id < t->num_ids; id++) {
        sm_free(ptrs[id]);
        ptrs[id] = NULL;
    }
}
