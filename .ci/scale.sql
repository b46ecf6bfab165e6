-- scale.sql: synthetic teams for scale tests. psql variables: teams (how
-- many), per_team (members in each), days (weekdays of prompt history
-- before today: each member's prompt for each, 70% answered with an
-- update, the rest expired). Every team has a daily check-in at
-- 09:00 member-local, a Friday digest and one lead; teams are spread over
-- eight time zones and one member in ten has a zone of their own. Run on
-- a migrated database (any tidings command opening it migrates it), e.g.
--   psql "$DSN" -v teams=2000 -v per_team=50 -f .ci/scale.sql
-- (.ci/scale.sh does this). Existing scale rows (slug scale-*) are kept.
\set ON_ERROR_STOP on
BEGIN;
CREATE TEMP TABLE zones (n int, name text);
INSERT INTO zones VALUES (0, 'America/New_York'), (1, 'Europe/Berlin'), (2, 'Asia/Kolkata'),
  (3, 'Australia/Sydney'), (4, 'America/Los_Angeles'), (5, 'Europe/London'), (6, 'Asia/Tokyo'), (7, 'America/Sao_Paulo');
INSERT INTO teams (slug, name, timezone, digest_schedule, digest_local, allowed_domains, created_at, updated_at)
SELECT 'scale-' || t, 'Scale team ' || t, z.name, 'fri 17:00', false, '[]', now() - interval '60 days', now() - interval '60 days'
FROM generate_series(1, :teams) t JOIN zones z ON z.n = t % 8;
INSERT INTO check_ins (team_id, name, schedule, remind_after, "window", questions, position, created_at, updated_at)
SELECT id, 'daily', 'mon-fri 09:00', 0, 0,
  '[{"key":"done","text":"What did you get done?"},{"key":"today","text":"What are you working on today?"},{"key":"blockers","text":"Anything blocking you?"}]',
  0, created_at, created_at
FROM teams WHERE slug LIKE 'scale-%' AND NOT EXISTS (SELECT 1 FROM check_ins c WHERE c.team_id = teams.id);
INSERT INTO members (email, name, timezone, aliases, unsubscribed, created_at, updated_at)
SELECT 'm' || t || '-' || i || '@scale.example', 'Member ' || t || '-' || i,
  CASE WHEN i % 10 = 0 THEN (SELECT name FROM zones WHERE n = (t + i) % 8) ELSE '' END,
  '[]', false, now() - interval '60 days', now() - interval '60 days'
FROM generate_series(1, :teams) t, generate_series(1, :per_team) i;
ANALYZE teams, members;
INSERT INTO memberships (team_id, member_id, role, created_at, updated_at)
SELECT tm.id, m.id, CASE WHEN split_part(split_part(m.email, '@', 1), '-', 2) = '1' THEN 'lead' ELSE 'member' END,
  m.created_at, m.created_at
FROM members m JOIN teams tm ON tm.slug = 'scale-' || substr(split_part(m.email, '-', 1), 2)
WHERE m.email LIKE '%@scale.example'
  AND NOT EXISTS (SELECT 1 FROM memberships x WHERE x.member_id = m.id);
-- Fresh statistics, or the planner joins 100,000 rows as if tables were empty.
ANALYZE teams, check_ins, members, memberships;
INSERT INTO prompts (check_in_id, member_id, team_id, period, due_at, expires_at, status, reason, message_id,
  sent_at, answered_at, created_at, updated_at)
SELECT c.id, ms.member_id, ms.team_id, to_char(d, 'YYYY-MM-DD'), d + interval '9 hours', d + interval '33 hours',
  CASE WHEN (ms.member_id + extract(day FROM d)::int) % 10 < 7 THEN 'answered' ELSE 'expired' END, '',
  'p' || ms.member_id || '-' || to_char(d, 'YYYYMMDD') || '@tidings.test',
  d + interval '9 hours', d + interval '11 hours', d + interval '9 hours', d + interval '11 hours'
FROM memberships ms JOIN teams tm ON tm.id = ms.team_id AND tm.slug LIKE 'scale-%'
JOIN check_ins c ON c.team_id = ms.team_id,
  generate_series(current_date - (:days * 7 / 5 + 2), current_date - 1, interval '1 day') d
WHERE extract(isodow FROM d) < 6 AND NOT EXISTS (SELECT 1 FROM prompts p WHERE p.member_id = ms.member_id);
ANALYZE prompts;
INSERT INTO updates (prompt_id, member_id, team_id, check_in_id, period, answers, has_blocker, inbound_id, version,
  answered_at, created_at, updated_at)
SELECT p.id, p.member_id, p.team_id, p.check_in_id, p.period,
  '[{"key":"done","question":"What did you get done?","text":"shipped the thing"},{"key":"today","question":"What are you working on today?","text":"the next thing"}]',
  p.id % 17 = 0, 0, 1, p.answered_at, p.answered_at, p.answered_at
FROM prompts p WHERE p.status = 'answered' AND NOT EXISTS (SELECT 1 FROM updates u WHERE u.prompt_id = p.id);
COMMIT;
ANALYZE;
