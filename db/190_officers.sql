-- 190_officers.sql - the civil-status officer signs what an office produced (issue 14):
-- a new staff role, `officer`, scoped to an office, and two stages between production
-- and the sealed envelope: awaiting_signature (the agent submitted the documents) and
-- signed (the officer signed them; the agent seals).  Widening the allowed values as
-- db/150 did (stored rows stay valid).
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, '''finance'', ''treasury'', ''admin'', ''post'')',
		'''finance'', ''treasury'', ''admin'', ''post'', ''officer'')')
	WHERE type = 'table' AND name = 'users' AND sql NOT LIKE '%''officer''%';
UPDATE sqlite_schema SET sql = replace(sql, '''in_production'', ''ready'',',
		'''in_production'', ''awaiting_signature'', ''signed'', ''ready'',')
	WHERE type = 'table' AND name = 'requests' AND sql NOT LIKE '%''signed''%';
PRAGMA writable_schema = RESET;

-- An account holds its main role (users.role, the one its sessions open with) and, where
-- a small office needs it, more roles here, each with its own scope: a supervisor who is
-- also the office's officer.  A session acts as one role at a time (switched by a key);
-- every write re-checks that the account still holds the role it acts as
-- (db_actor_current), the main one or one of these.
CREATE TABLE user_roles (
	user_id INTEGER NOT NULL REFERENCES users(id),
	role TEXT NOT NULL CHECK (role IN ('agent', 'supervisor', 'inspector', 'support',
		'finance', 'treasury', 'admin', 'post', 'officer')),
	scope_kind TEXT NOT NULL CHECK (scope_kind IN ('office', 'commune', 'province',
		'national')),
	scope_id INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (user_id, role)
) WITHOUT ROWID;
