-- lab5.sql - lab 5's workload for sqlite3: 20,000 rows, an index, a grouped query.
-- Run: sqlite3 :memory: < labs/lab5.sql   (prints three lines; the same under every allocator)
CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, grp INTEGER, val REAL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
INSERT INTO t(name, grp, val) SELECT printf('row-%06d-%s', i, hex(i * 7919)), i % 97, i * 0.5 FROM n;
CREATE INDEX t_name ON t(name);
CREATE INDEX t_grp ON t(grp, val);
SELECT count(*), sum(length(name)) FROM t;
SELECT grp, count(*), max(val) FROM t GROUP BY grp ORDER BY grp LIMIT 1;
SELECT name FROM t WHERE name LIKE 'row-0123%' ORDER BY name LIMIT 1;
