-- The practical lower bound for P1: the full recompute of 2026 for the DEFAULT framework
-- (lms/criteria/data/criteria-default.yaml + indicators.yaml), written by hand in plain SQL the way
-- an expert would for exactly this framework: one pass over the year's evidence, one statement per
-- result family, no generic machinery. It writes scratch tables bl_* that have the same columns,
-- keys and foreign keys as the engine's result tables, so the two write the same amount.
--
-- bench/recompute.py runs the "setup" section once (untimed: the engine's tables exist already),
-- then times every "step" statement, in order, in one transaction. Steps are separated by lines
-- starting with "-- step:".

-- setup: bl_person_item_score
-- the engine's storage until issue #10 (ten keyed rows per person and year; it now keeps them in
-- person_result.items): kept here as the second reference, the cost of writing the items as rows
CREATE TABLE IF NOT EXISTS bl_person_item_score (person_id int NOT NULL, period int NOT NULL,
    item_code varchar(32) NOT NULL, points numeric(8, 2) NOT NULL, PRIMARY KEY (person_id, period, item_code),
    FOREIGN KEY (person_id) REFERENCES person (id) ON DELETE CASCADE);
-- setup: bl_person_result
CREATE TABLE IF NOT EXISTS bl_person_result (LIKE person_result INCLUDING ALL,
    FOREIGN KEY (person_id) REFERENCES person (id) ON DELETE CASCADE);
-- setup: bl_person_result without the items column (the items are rows here)
ALTER TABLE bl_person_result DROP COLUMN IF EXISTS items;
-- setup: bl_group_item_score
-- likewise the engine's former storage of group item points (now group_result.items)
CREATE TABLE IF NOT EXISTS bl_group_item_score (kind varchar(16) NOT NULL, subject_id int NOT NULL,
    period int NOT NULL, item_code varchar(32) NOT NULL, points numeric(8, 2) NOT NULL,
    PRIMARY KEY (kind, subject_id, period, item_code));
-- setup: bl_group_result
CREATE TABLE IF NOT EXISTS bl_group_result (LIKE group_result INCLUDING ALL);
-- setup: bl_group_result without the items column (the items are rows here)
ALTER TABLE bl_group_result DROP COLUMN IF EXISTS items;
-- setup: bl_area_indicator
CREATE TABLE IF NOT EXISTS bl_area_indicator (LIKE area_indicator INCLUDING ALL,
    FOREIGN KEY (area_id) REFERENCES area (id) ON DELETE CASCADE);

-- step: clear the year
DELETE FROM bl_person_item_score WHERE period = 2026;
-- step: clear person results
DELETE FROM bl_person_result WHERE period = 2026;
-- step: clear group item scores
DELETE FROM bl_group_item_score WHERE period = 2026;
-- step: clear group results
DELETE FROM bl_group_result WHERE period = 2026;
-- step: clear area figures
DELETE FROM bl_area_indicator WHERE period = 2026;

-- step: persons (items, totals, eligibility, predicates)
-- Evidence counts if dated in 2026; digital-skill and criteria-study courses also if dated before.
-- First level: one row per (person, kind, ref), so "a course / a session counts once" is a plain
-- count at the second level (no DISTINCT aggregates).
WITH per_ref AS (
    SELECT person_id, kind, ref,
           bool_or(date >= DATE '2026-01-01') AS in_year,
           bool_or(date >= DATE '2026-01-01' AND category = 'foreign_language') AS fl,
           bool_or(date >= DATE '2026-01-01' AND category = 'numeracy') AS nu,
           bool_or(date >= DATE '2026-01-01' AND category IN ('law', 'health', 'agriculture', 'vocational')) AS t24,
           sum(hours) FILTER (WHERE date >= DATE '2026-01-01') AS hours,
           max(points) FILTER (WHERE date >= DATE '2026-01-01') AS points,
           max(CASE level WHEN 'proficient' THEN 2 WHEN 'basic' THEN 1 ELSE 0 END)
               FILTER (WHERE category = 'digital_skill') AS dl,
           bool_or(category = 'criteria_study') AS cs
    FROM evidence
    WHERE date <= DATE '2026-12-31'
      AND (date >= DATE '2026-01-01' OR (kind = 'course' AND category IN ('digital_skill', 'criteria_study')))
    GROUP BY person_id, kind, ref
), feat AS (
    SELECT person_id,
           bool_or(in_year) FILTER (WHERE kind IN ('course', 'session')) AS learned,
           bool_or(in_year) FILTER (WHERE kind = 'plan') AS has_plan,
           max(dl) FILTER (WHERE kind = 'course') AS digital_level,
           bool_or(cs) FILTER (WHERE kind = 'course') AS studied,
           count(*) FILTER (WHERE kind = 'course' AND in_year) AS c_any,
           count(*) FILTER (WHERE kind = 'course' AND fl) AS c_fl,
           count(*) FILTER (WHERE kind = 'course' AND nu) AS c_nu,
           count(*) FILTER (WHERE kind = 'course' AND t24) AS c_t24,
           count(*) FILTER (WHERE kind = 'session' AND in_year) AS sessions,
           sum(hours) FILTER (WHERE kind = 'session') AS session_hours,
           max(points) FILTER (WHERE kind = 'declaration' AND ref = 'T1.1') AS d11,
           max(points) FILTER (WHERE kind = 'declaration' AND ref = 'T1.3') AS d13,
           max(points) FILTER (WHERE kind = 'declaration' AND ref = 'T1.4') AS d14,
           max(points) FILTER (WHERE kind = 'declaration' AND ref = 'T2.1') AS d21,
           max(points) FILTER (WHERE kind = 'declaration' AND ref = 'T2.2') AS d22,
           max(points) FILTER (WHERE kind = 'declaration' AND ref = 'T2.3') AS d23,
           max(points) FILTER (WHERE kind = 'declaration' AND ref = 'T2.4') AS d24,
           max(points) FILTER (WHERE kind = 'declaration' AND ref = 'T3.1') AS d31,
           max(points) FILTER (WHERE kind = 'declaration' AND ref = 'T3.2') AS d32
    FROM per_ref
    GROUP BY person_id
), hard AS (  -- villages in (or being) an area flagged disadvantaged: the lowered threshold applies
    SELECT v.id FROM area v
    WHERE EXISTS (SELECT 1 FROM area a WHERE a.disadvantaged AND v.path LIKE a.path || '%')
), p AS (
    SELECT p.id, p.family_id,
           coalesce(nullif(p."group", ''),
                    CASE WHEN p.is_official AND p.unit_id IS NOT NULL THEN 'official' ELSE 'resident' END) AS audience,
           (2026 - p.birth_year >= 18) AS adult,
           (h.id IS NOT NULL) AS hard,
           coalesce(f.learned, false) AS learned, coalesce(f.has_plan, false) AS has_plan,
           coalesce(f.digital_level, 0) AS digital_level, coalesce(f.studied, false) AS studied,
           f.c_any, f.c_fl, f.c_nu, f.c_t24, f.sessions, f.session_hours,
           f.d11, f.d13, f.d14, f.d21, f.d22, f.d23, f.d24, f.d31, f.d32
    FROM person p
    LEFT JOIN feat f ON f.person_id = p.id
    LEFT JOIN hard h ON h.id = p.village_id
), fam AS (  -- adults of each family who learned this year
    SELECT family_id, count(*) AS n FROM p WHERE adult AND learned AND family_id IS NOT NULL GROUP BY family_id
), items AS (
    SELECT p.id, p.audience, p.hard, p.learned, p.has_plan, p.digital_level, p.studied,
        least(10, 5 * coalesce(c_any, 0) + coalesce(d11, 0)) AS t11,
        CASE WHEN has_plan THEN 10 ELSE 0 END AS t12,
        least(10, round(coalesce(session_hours, 0), 2) + coalesce(d13, 0)) AS t13,
        least(10, CASE WHEN p.family_id IS NULL THEN 0
                       ELSE 5 * (coalesce(fam.n, 0) - (adult AND learned)::int) END + coalesce(d14, 0)) AS t14,
        least(10, CASE digital_level WHEN 2 THEN 10
                                     WHEN 1 THEN CASE WHEN audience = 'official' THEN 5 ELSE 6 END
                                     ELSE 0 END + coalesce(d21, 0)) AS t21,
        least(10, 5 * coalesce(c_fl, 0) + coalesce(d22, 0)) AS t22,
        least(10, 5 * coalesce(c_nu, 0) + coalesce(d23, 0)) AS t23,
        least(10, 4 * coalesce(c_t24, 0) + coalesce(d24, 0)) AS t24,
        least(10, coalesce(d31, 0)) AS t31,
        least(10, 3 * coalesce(sessions, 0) + coalesce(d32, 0)) AS t32
    FROM p LEFT JOIN fam ON fam.family_id = p.family_id
), scored AS MATERIALIZED (
    SELECT items.*, t11 + t12 + t13 + t14 + t21 + t22 + t23 + t24 + t31 + t32 AS total,
           CASE WHEN hard THEN 70 ELSE 80 END AS threshold,
           least(t11, t12, t13, t14, t21, t22, t23, t24, t31, t32) >= 5 AS all_items
    FROM items
), results AS (
    INSERT INTO bl_person_result
        (person_id, period, audience, total, threshold, eligible, learned, has_plan, digital_level, studied_criteria)
    SELECT id, 2026, audience, total, threshold, total >= threshold AND all_items,
           learned, has_plan, digital_level, studied
    FROM scored
)
INSERT INTO bl_person_item_score (person_id, period, item_code, points)
SELECT s.id, 2026, v.code, v.points
FROM scored s
CROSS JOIN LATERAL (VALUES ('T1.1', t11), ('T1.2', t12), ('T1.3', t13), ('T1.4', t14), ('T2.1', t21),
                           ('T2.2', t22), ('T2.3', t23), ('T2.4', t24), ('T3.1', t31), ('T3.2', t32))
    AS v(code, points);

-- step: analyze person results
ANALYZE bl_person_result;

-- step: families (adult members; F1 learned, F2 holders, F3 entered)
WITH m AS (
    SELECT p.family_id AS id, count(*) AS n,
           count(*) FILTER (WHERE r.learned) AS learned,
           count(a.person_id) AS holders
    FROM person p
    JOIN bl_person_result r ON r.person_id = p.id AND r.period = 2026
    LEFT JOIN award a ON a.person_id = p.id AND a.period = 2026 AND a.revoked_at IS NULL
    WHERE p.family_id IS NOT NULL AND 2026 - p.birth_year >= 18
    GROUP BY p.family_id
), s AS MATERIALIZED (
    SELECT f.id,
           least(40, CASE WHEN m.n > 0 THEN round(40.0 * m.learned / m.n, 2) ELSE 0 END) AS f1,
           least(30, CASE WHEN m.n > 0 THEN round(30.0 * m.holders / m.n, 2) ELSE 0 END) AS f2,
           least(30, coalesce(ge.points, 0)) AS f3
    FROM family f
    LEFT JOIN m ON m.id = f.id
    LEFT JOIN group_entry ge ON ge.subject = 'family' AND ge.subject_id = f.id AND ge.item = 'F3' AND ge.period = 2026
), results AS (
    INSERT INTO bl_group_result (kind, subject_id, period, total, attained)
    SELECT 'family', id, 2026, f1 + f2 + f3, f1 + f2 + f3 >= 70 FROM s
)
INSERT INTO bl_group_item_score (kind, subject_id, period, item_code, points)
SELECT 'family', s.id, 2026, v.code, v.points
FROM s CROSS JOIN LATERAL (VALUES ('F1', f1), ('F2', f2), ('F3', f3)) AS v(code, points);

-- step: analyze group results
ANALYZE bl_group_result;

-- step: clans (member families: those with a person of the clan; D1 attained families, D2 entered)
WITH pairs AS (
    SELECT DISTINCT clan_id, family_id FROM person WHERE clan_id IS NOT NULL AND family_id IS NOT NULL
), m AS (
    SELECT pairs.clan_id AS id, count(*) AS n, count(*) FILTER (WHERE g.attained) AS attained
    FROM pairs
    LEFT JOIN bl_group_result g ON g.kind = 'family' AND g.subject_id = pairs.family_id AND g.period = 2026
    GROUP BY pairs.clan_id
), s AS MATERIALIZED (
    SELECT c.id,
           least(70, CASE WHEN m.n > 0 THEN round(70.0 * m.attained / m.n, 2) ELSE 0 END) AS d1,
           least(30, coalesce(ge.points, 0)) AS d2
    FROM clan c
    LEFT JOIN m ON m.id = c.id
    LEFT JOIN group_entry ge ON ge.subject = 'clan' AND ge.subject_id = c.id AND ge.item = 'D2' AND ge.period = 2026
), results AS (
    INSERT INTO bl_group_result (kind, subject_id, period, total, attained)
    SELECT 'clan', id, 2026, d1 + d2, d1 + d2 >= 70 FROM s
)
INSERT INTO bl_group_item_score (kind, subject_id, period, item_code, points)
SELECT 'clan', s.id, 2026, v.code, v.points
FROM s CROSS JOIN LATERAL (VALUES ('D1', d1), ('D2', d2)) AS v(code, points);

-- step: villages (member families: those living there; C1 attained families, C2 entered)
WITH m AS (
    SELECT f.village_id AS id, count(*) AS n, count(*) FILTER (WHERE g.attained) AS attained
    FROM family f
    LEFT JOIN bl_group_result g ON g.kind = 'family' AND g.subject_id = f.id AND g.period = 2026
    GROUP BY f.village_id
), s AS MATERIALIZED (
    SELECT v.id,
           least(60, CASE WHEN m.n > 0 THEN round(60.0 * m.attained / m.n, 2) ELSE 0 END) AS c1,
           least(40, coalesce(ge.points, 0)) AS c2
    FROM area v
    LEFT JOIN m ON m.id = v.id
    LEFT JOIN group_entry ge ON ge.subject = 'village' AND ge.subject_id = v.id AND ge.item = 'C2' AND ge.period = 2026
    WHERE v.level = 'village'
), results AS (
    INSERT INTO bl_group_result (kind, subject_id, period, total, attained)
    SELECT 'village', id, 2026, c1 + c2, c1 + c2 >= 70 FROM s
)
INSERT INTO bl_group_item_score (kind, subject_id, period, item_code, points)
SELECT 'village', s.id, 2026, v.code, v.points
FROM s CROSS JOIN LATERAL (VALUES ('C1', c1), ('C2', c2)) AS v(code, points);

-- step: units (members: officials of the unit; U2.1 plans, U2.3 learned, U3.1 eligible; the rest entered)
WITH m AS (
    SELECT p.unit_id AS id, count(*) AS n,
           count(*) FILTER (WHERE r.has_plan) AS has_plan,
           count(*) FILTER (WHERE r.learned) AS learned,
           count(*) FILTER (WHERE r.eligible) AS eligible
    FROM person p
    JOIN bl_person_result r ON r.person_id = p.id AND r.period = 2026
    WHERE p.is_official AND p.unit_id IS NOT NULL
    GROUP BY p.unit_id
), e AS (
    SELECT subject_id AS id,
           max(points) FILTER (WHERE item = 'U1') AS u1, max(points) FILTER (WHERE item = 'U2.2') AS u22,
           max(points) FILTER (WHERE item = 'U2.4') AS u24, max(points) FILTER (WHERE item = 'U3.2') AS u32
    FROM group_entry WHERE subject = 'unit' AND period = 2026
    GROUP BY subject_id
), s AS MATERIALIZED (
    SELECT u.id,
           least(30, coalesce(e.u1, 0)) AS u1,
           least(10, CASE WHEN m.n > 0 THEN round(10.0 * m.has_plan / m.n, 2) ELSE 0 END) AS u21,
           least(5, coalesce(e.u22, 0)) AS u22,
           least(10, CASE WHEN m.n > 0 THEN round(10.0 * m.learned / m.n, 2) ELSE 0 END) AS u23,
           least(5, coalesce(e.u24, 0)) AS u24,
           least(25, CASE WHEN m.n > 0 THEN round(25.0 * m.eligible / m.n, 2) ELSE 0 END) AS u31,
           least(15, coalesce(e.u32, 0)) AS u32
    FROM unit u LEFT JOIN m ON m.id = u.id LEFT JOIN e ON e.id = u.id
), results AS (
    INSERT INTO bl_group_result (kind, subject_id, period, total, attained)
    SELECT 'unit', id, 2026, u1 + u21 + u22 + u23 + u24 + u31 + u32, u1 + u21 + u22 + u23 + u24 + u31 + u32 >= 70 FROM s
)
INSERT INTO bl_group_item_score (kind, subject_id, period, item_code, points)
SELECT 'unit', s.id, 2026, v.code, v.points
FROM s CROSS JOIN LATERAL (VALUES ('U1', u1), ('U2.1', u21), ('U2.2', u22), ('U2.3', u23), ('U2.4', u24),
                                  ('U3.1', u31), ('U3.2', u32)) AS v(code, points);

-- step: area figures (what attaches to each area, then summed over each area's subtree)
WITH ok AS (
    SELECT kind, subject_id FROM bl_group_result WHERE period = 2026 AND attained
), people AS (
    SELECT p.village_id AS area_id, count(*) AS people,
           count(*) FILTER (WHERE r.eligible) AS eligible,
           count(a.person_id) AS holders,
           count(*) FILTER (WHERE p.khuyen_hoc_member) AS i1_den,
           count(*) FILTER (WHERE p.khuyen_hoc_member AND r.studied_criteria) AS i1_num,
           count(*) FILTER (WHERE g.grouped) AS i2_den,
           count(a.person_id) FILTER (WHERE g.grouped) AS i2_num,
           count(a.person_id) AS i4_den,
           count(a.person_id) FILTER (WHERE r.digital_level >= 1) AS i4_num,
           count(a.person_id) FILTER (WHERE r.digital_level >= 1) AS i5_den,
           count(a.person_id) FILTER (WHERE r.digital_level = 2) AS i5_num
    FROM person p
    LEFT JOIN bl_person_result r ON r.person_id = p.id AND r.period = 2026
    LEFT JOIN award a ON a.person_id = p.id AND a.period = 2026 AND a.revoked_at IS NULL
    CROSS JOIN LATERAL (SELECT 2026 - p.birth_year >= 18 AND (
            p.family_id IN (SELECT subject_id FROM ok WHERE kind = 'family')
         OR p.clan_id IN (SELECT subject_id FROM ok WHERE kind = 'clan')
         OR p.village_id IN (SELECT subject_id FROM ok WHERE kind = 'village')) AS grouped) g
    GROUP BY p.village_id
), parts AS (
    SELECT area_id, people, eligible, holders, 0 AS families_attained, 0 AS clans_attained, 0 AS villages_attained,
           0 AS units_attained, i1_num, i1_den, i2_num, i2_den, 0 AS i3_num, 0 AS i3_den, i4_num, i4_den, i5_num, i5_den
    FROM people
    UNION ALL
    SELECT f.village_id, 0, 0, 0, count(*), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
    FROM family f JOIN ok ON ok.kind = 'family' AND ok.subject_id = f.id GROUP BY f.village_id
    UNION ALL
    SELECT c.area_id, 0, 0, 0, 0, count(*), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
    FROM clan c JOIN ok ON ok.kind = 'clan' AND ok.subject_id = c.id GROUP BY c.area_id
    UNION ALL
    SELECT ok.subject_id, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 FROM ok WHERE ok.kind = 'village'
    UNION ALL
    SELECT u.area_id, 0, 0, 0, 0, 0, 0, count(*), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
    FROM unit u JOIN ok ON ok.kind = 'unit' AND ok.subject_id = u.id GROUP BY u.area_id
    UNION ALL  -- I3 follows the unit's area, not the official's village
    SELECT u.area_id, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, count(a.person_id), count(*), 0, 0, 0, 0
    FROM person p
    JOIN unit u ON u.id = p.unit_id AND u.level IN ('commune', 'district')
    JOIN ok ON ok.kind = 'unit' AND ok.subject_id = u.id
    LEFT JOIN award a ON a.person_id = p.id AND a.period = 2026 AND a.revoked_at IS NULL
    WHERE p.is_official
    GROUP BY u.area_id
), up AS (  -- every contribution counts for its area and each area above it (ids listed in the path)
    SELECT ancestor::int AS ancestor_id, parts.*
    FROM parts
    JOIN area src ON src.id = parts.area_id
    CROSS JOIN LATERAL unnest(string_to_array(trim(BOTH '/' FROM src.path), '/')) AS ancestor
)
INSERT INTO bl_area_indicator (area_id, period, people, eligible, holders, families_attained, clans_attained,
    villages_attained, units_attained, i1_num, i1_den, i2_num, i2_den, i3_num, i3_den, i4_num, i4_den,
    i5_num, i5_den, computed_at)
SELECT a.id, 2026,
       coalesce(sum(up.people), 0), coalesce(sum(up.eligible), 0), coalesce(sum(up.holders), 0),
       coalesce(sum(up.families_attained), 0), coalesce(sum(up.clans_attained), 0),
       coalesce(sum(up.villages_attained), 0), coalesce(sum(up.units_attained), 0),
       coalesce(sum(up.i1_num), 0), coalesce(sum(up.i1_den), 0), coalesce(sum(up.i2_num), 0),
       coalesce(sum(up.i2_den), 0), coalesce(sum(up.i3_num), 0), coalesce(sum(up.i3_den), 0),
       coalesce(sum(up.i4_num), 0), coalesce(sum(up.i4_den), 0), coalesce(sum(up.i5_num), 0),
       coalesce(sum(up.i5_den), 0), now()
FROM area a
LEFT JOIN up ON up.ancestor_id = a.id
-- areas closed by a reorganisation before the year's end have no figures of their own that year
-- (the platform reports them as the union of their successors); the current paths are the year's
-- tree for any year from the latest reorganisation on, which is what the benchmark recomputes
WHERE a.valid_to IS NULL OR a.valid_to >= DATE '2026-12-31'
GROUP BY a.id;
