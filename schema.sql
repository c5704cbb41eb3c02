-- The one source of Upstream's database schema.
--
-- Each migration starts with a line `-- migration N: what it does`. The store applies,
-- in one transaction each, every migration whose number is above the database's
-- `PRAGMA user_version`, then sets user_version to that number. Never edit a migration
-- that has shipped; add the next one.

-- migration 1: patients, visits, findings, interventions
CREATE TABLE patient (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL CHECK (length(trim(name)) > 0),
    date_of_birth TEXT CHECK (date_of_birth IS NULL OR date(date_of_birth) = date_of_birth),
    sex           TEXT NOT NULL DEFAULT 'unknown' CHECK (sex IN ('female', 'male', 'other', 'unknown')),
    contact       TEXT NOT NULL DEFAULT '',
    occupation    TEXT NOT NULL DEFAULT '',
    -- A JSON array of history-flag codes from assets/knowledge/history_flags.json.
    history       TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(history) AND json_type(history) = 'array'),
    notes         TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now')),
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now'))
);

CREATE INDEX patient_date_of_birth ON patient (date_of_birth);

-- Name search: every word of the name matches by prefix ("okaf", "dan ok").
CREATE VIRTUAL TABLE patient_name_search USING fts5 (
    name,
    content = 'patient',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);

CREATE TRIGGER patient_name_search_insert AFTER INSERT ON patient BEGIN
    INSERT INTO patient_name_search (rowid, name) VALUES (new.id, new.name);
END;

CREATE TRIGGER patient_name_search_delete AFTER DELETE ON patient BEGIN
    INSERT INTO patient_name_search (patient_name_search, rowid, name) VALUES ('delete', old.id, old.name);
END;

CREATE TRIGGER patient_name_search_update AFTER UPDATE OF name ON patient BEGIN
    INSERT INTO patient_name_search (patient_name_search, rowid, name) VALUES ('delete', old.id, old.name);
    INSERT INTO patient_name_search (rowid, name) VALUES (new.id, new.name);
END;

CREATE TABLE visit (
    id              INTEGER PRIMARY KEY,
    patient_id      INTEGER NOT NULL REFERENCES patient (id) ON DELETE CASCADE,
    -- Local wall-clock time, ISO 8601 without zone: 2026-03-04T09:30:00.
    started_at      TEXT NOT NULL CHECK (datetime(started_at) IS NOT NULL),
    kind            TEXT NOT NULL CHECK (kind IN ('initial_exam', 'follow_up', 're_exam', 'discharge')),
    chief_complaint TEXT NOT NULL DEFAULT '',
    subjective      TEXT NOT NULL DEFAULT '',
    objective       TEXT NOT NULL DEFAULT '',
    assessment      TEXT NOT NULL DEFAULT '',
    plan            TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'signed')),
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now')),
    updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now'))
);

CREATE INDEX visit_patient_started ON visit (patient_id, started_at, id);

CREATE TABLE finding (
    id         INTEGER PRIMARY KEY,
    visit_id   INTEGER NOT NULL REFERENCES visit (id) ON DELETE CASCADE,
    -- Codes from assets/knowledge/finding_kinds.json and regions.json.
    kind       TEXT NOT NULL,
    region     TEXT,
    side       TEXT NOT NULL DEFAULT 'none' CHECK (side IN ('left', 'right', 'bilateral', 'midline', 'none')),
    intensity  INTEGER CHECK (intensity IS NULL OR intensity BETWEEN 0 AND 10),
    presence   TEXT NOT NULL DEFAULT 'present' CHECK (presence IN ('present', 'absent')),
    test_name  TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT ''
);

CREATE INDEX finding_visit ON finding (visit_id, id);

CREATE TABLE intervention (
    id        INTEGER PRIMARY KEY,
    visit_id  INTEGER NOT NULL REFERENCES visit (id) ON DELETE CASCADE,
    kind      TEXT NOT NULL CHECK (kind IN ('spinal_manipulation', 'mobilization', 'soft_tissue', 'dry_needling',
                                            'stretch', 'exercise', 'taping', 'advice', 'referral')),
    target    TEXT NOT NULL DEFAULT '',
    region    TEXT,
    side      TEXT NOT NULL DEFAULT 'none' CHECK (side IN ('left', 'right', 'bilateral', 'midline', 'none')),
    dose      TEXT NOT NULL DEFAULT '',
    notes     TEXT NOT NULL DEFAULT '',
    cpt_code  TEXT NOT NULL DEFAULT ''
);

CREATE INDEX intervention_visit ON intervention (visit_id, id);

-- migration 2: findings carried over from the previous visit, until the clinician confirms them
ALTER TABLE finding ADD COLUMN carried_over INTEGER NOT NULL DEFAULT 0 CHECK (carried_over IN (0, 1));

-- migration 3: each patient's last visit, kept by triggers, so that the list shows recently seen patients first without reading every visit
ALTER TABLE patient ADD COLUMN last_seen TEXT;

UPDATE patient SET last_seen = coalesce((SELECT max(v.started_at) FROM visit v WHERE v.patient_id = patient.id), created_at);

CREATE INDEX patient_last_seen ON patient (last_seen DESC, name COLLATE NOCASE, id);

CREATE TRIGGER patient_seen_insert AFTER INSERT ON patient WHEN new.last_seen IS NULL BEGIN
    UPDATE patient SET last_seen = new.created_at WHERE id = new.id;
END;

CREATE TRIGGER visit_seen_insert AFTER INSERT ON visit BEGIN
    UPDATE patient
    SET last_seen = (SELECT max(v.started_at) FROM visit v WHERE v.patient_id = new.patient_id)
    WHERE id = new.patient_id;
END;

CREATE TRIGGER visit_seen_update AFTER UPDATE OF started_at, patient_id ON visit BEGIN
    UPDATE patient
    SET last_seen = coalesce((SELECT max(v.started_at) FROM visit v WHERE v.patient_id = patient.id), created_at)
    WHERE id IN (old.patient_id, new.patient_id);
END;

CREATE TRIGGER visit_seen_delete AFTER DELETE ON visit BEGIN
    UPDATE patient
    SET last_seen = coalesce((SELECT max(v.started_at) FROM visit v WHERE v.patient_id = patient.id), created_at)
    WHERE id = old.patient_id;
END;

-- migration 4: signed visits locked by triggers, dated addenda, and a hash-chained audit trail of every change to clinical data
--
-- The audit triggers call two functions that the Upstream store registers on each of its
-- connections: upstream_actor(), who is making the change, and upstream_audit_hash(...),
-- the SHA-256 link of the chain. A connection without them (a bare sqlite3 shell) cannot
-- change clinical data, which is intended.

ALTER TABLE visit ADD COLUMN signed_by TEXT;
ALTER TABLE visit ADD COLUMN signed_at TEXT CHECK (signed_at IS NULL OR datetime(signed_at) IS NOT NULL);

-- Visits signed before signatures were recorded keep their status; the record says so.
UPDATE visit SET signed_by = 'not recorded (signed before Upstream recorded signatures)', signed_at = updated_at
WHERE status = 'signed';

CREATE TABLE addendum (
    id          INTEGER PRIMARY KEY,
    visit_id    INTEGER NOT NULL REFERENCES visit (id),
    author      TEXT NOT NULL CHECK (length(trim(author)) > 0),
    written_at  TEXT NOT NULL CHECK (datetime(written_at) IS NOT NULL),
    reason      TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    body        TEXT NOT NULL CHECK (length(trim(body)) > 0)
);

CREATE INDEX addendum_visit ON addendum (visit_id, id);

-- A visit is signed once, by someone, at a time; after that it does not change and is
-- not deleted. Corrections are addenda.
CREATE TRIGGER visit_signature_required BEFORE UPDATE OF status ON visit
WHEN new.status = 'signed' AND (new.signed_by IS NULL OR length(trim(new.signed_by)) = 0 OR new.signed_at IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'a visit is signed with the clinician''s name and the time');
END;

CREATE TRIGGER visit_insert_unsigned BEFORE INSERT ON visit
WHEN new.status = 'signed' OR new.signed_by IS NOT NULL OR new.signed_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a visit is created as a draft and signed afterwards');
END;

CREATE TRIGGER visit_signed_update BEFORE UPDATE ON visit WHEN old.status = 'signed'
BEGIN
    SELECT RAISE(ABORT, 'this visit is signed and cannot be changed; add an addendum');
END;

CREATE TRIGGER visit_draft_unsigned BEFORE UPDATE ON visit
WHEN new.status = 'draft' AND (new.signed_by IS NOT NULL OR new.signed_at IS NOT NULL)
BEGIN
    SELECT RAISE(ABORT, 'a draft visit carries no signature');
END;

CREATE TRIGGER visit_signed_delete BEFORE DELETE ON visit WHEN old.status = 'signed'
BEGIN
    SELECT RAISE(ABORT, 'this visit is signed and cannot be deleted');
END;

CREATE TRIGGER finding_signed_insert BEFORE INSERT ON finding
WHEN (SELECT status FROM visit WHERE id = new.visit_id) = 'signed'
BEGIN
    SELECT RAISE(ABORT, 'this visit is signed and cannot be changed; add an addendum');
END;

CREATE TRIGGER finding_signed_update BEFORE UPDATE ON finding
WHEN (SELECT status FROM visit WHERE id = old.visit_id) = 'signed'
  OR (SELECT status FROM visit WHERE id = new.visit_id) = 'signed'
BEGIN
    SELECT RAISE(ABORT, 'this visit is signed and cannot be changed; add an addendum');
END;

CREATE TRIGGER finding_signed_delete BEFORE DELETE ON finding
WHEN (SELECT status FROM visit WHERE id = old.visit_id) = 'signed'
BEGIN
    SELECT RAISE(ABORT, 'this visit is signed and cannot be changed; add an addendum');
END;

CREATE TRIGGER intervention_signed_insert BEFORE INSERT ON intervention
WHEN (SELECT status FROM visit WHERE id = new.visit_id) = 'signed'
BEGIN
    SELECT RAISE(ABORT, 'this visit is signed and cannot be changed; add an addendum');
END;

CREATE TRIGGER intervention_signed_update BEFORE UPDATE ON intervention
WHEN (SELECT status FROM visit WHERE id = old.visit_id) = 'signed'
  OR (SELECT status FROM visit WHERE id = new.visit_id) = 'signed'
BEGIN
    SELECT RAISE(ABORT, 'this visit is signed and cannot be changed; add an addendum');
END;

CREATE TRIGGER intervention_signed_delete BEFORE DELETE ON intervention
WHEN (SELECT status FROM visit WHERE id = old.visit_id) = 'signed'
BEGIN
    SELECT RAISE(ABORT, 'this visit is signed and cannot be changed; add an addendum');
END;

CREATE TRIGGER addendum_to_signed BEFORE INSERT ON addendum
WHEN coalesce((SELECT status FROM visit WHERE id = new.visit_id), '') <> 'signed'
BEGIN
    SELECT RAISE(ABORT, 'addenda are for signed visits; a draft is edited directly');
END;

CREATE TRIGGER addendum_no_update BEFORE UPDATE ON addendum
BEGIN
    SELECT RAISE(ABORT, 'an addendum cannot be changed; add another');
END;

CREATE TRIGGER addendum_no_delete BEFORE DELETE ON addendum
BEGIN
    SELECT RAISE(ABORT, 'an addendum cannot be deleted; add another');
END;

-- The audit trail. Each row's hash covers its own content and the previous row's hash,
-- so a row edited, inserted or deleted by hand breaks the chain at that point.
CREATE TABLE audit (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    table_name  TEXT NOT NULL,
    row_id      INTEGER NOT NULL,
    -- The visit the row belongs to, so that a visit's history is one indexed read.
    visit_id    INTEGER,
    action      TEXT NOT NULL CHECK (action IN ('baseline', 'insert', 'update', 'delete')),
    before      TEXT,
    after       TEXT,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);

CREATE INDEX audit_row ON audit (table_name, row_id, id);
CREATE INDEX audit_visit ON audit (visit_id, id) WHERE visit_id IS NOT NULL;

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit trail cannot be changed');
END;

CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit trail cannot be changed');
END;

-- What the audit records of each row: one definition per table, used for the after-image
-- of every change and by `upstream audit verify` to compare the data with its trail.
-- (A patient's last_seen is derived from the visits and left out.)
CREATE VIEW patient_image (id, visit_id, image) AS
SELECT id, NULL, json_object('id', id, 'name', name, 'date_of_birth', date_of_birth, 'sex', sex,
    'contact', contact, 'occupation', occupation, 'history', history, 'notes', notes,
    'created_at', created_at, 'updated_at', updated_at)
FROM patient;

CREATE VIEW visit_image (id, visit_id, image) AS
SELECT id, id, json_object('id', id, 'patient_id', patient_id, 'started_at', started_at, 'kind', kind,
    'chief_complaint', chief_complaint, 'subjective', subjective, 'objective', objective,
    'assessment', assessment, 'plan', plan, 'status', status, 'signed_by', signed_by,
    'signed_at', signed_at, 'created_at', created_at, 'updated_at', updated_at)
FROM visit;

CREATE VIEW finding_image (id, visit_id, image) AS
SELECT id, visit_id, json_object('id', id, 'visit_id', visit_id, 'kind', kind, 'region', region,
    'side', side, 'intensity', intensity, 'presence', presence, 'test_name', test_name,
    'note', note, 'carried_over', carried_over)
FROM finding;

CREATE VIEW intervention_image (id, visit_id, image) AS
SELECT id, visit_id, json_object('id', id, 'visit_id', visit_id, 'kind', kind, 'target', target,
    'region', region, 'side', side, 'dose', dose, 'notes', notes, 'cpt_code', cpt_code)
FROM intervention;

CREATE VIEW addendum_image (id, visit_id, image) AS
SELECT id, visit_id, json_object('id', id, 'visit_id', visit_id, 'author', author,
    'written_at', written_at, 'reason', reason, 'body', body)
FROM addendum;

-- Appending goes through this view so that the chain is computed in one place.
CREATE VIEW audit_append (table_name, row_id, visit_id, action, after) AS
SELECT table_name, row_id, visit_id, action, after FROM audit WHERE 0;

CREATE TRIGGER audit_append INSTEAD OF INSERT ON audit_append
BEGIN
    INSERT INTO audit (id, at, actor, table_name, row_id, visit_id, action, before, after, prev_hash, hash)
    SELECT link.id, link.at, link.actor, new.table_name, new.row_id, new.visit_id, new.action,
           link.before, new.after, link.prev_hash,
           upstream_audit_hash(link.prev_hash, link.id, link.at, link.actor, new.table_name,
                               new.row_id, new.visit_id, new.action, link.before, new.after)
    FROM (
        SELECT coalesce((SELECT max(id) FROM audit), 0) + 1 AS id,
               strftime('%Y-%m-%dT%H:%M:%fZ', 'now') AS at,
               upstream_actor() AS actor,
               coalesce((SELECT hash FROM audit ORDER BY id DESC LIMIT 1), '') AS prev_hash,
               -- The row as the trail last recorded it.
               (SELECT a.after FROM audit a WHERE a.table_name = new.table_name AND a.row_id = new.row_id
                ORDER BY a.id DESC LIMIT 1) AS before
    ) AS link;
END;

CREATE TRIGGER patient_audit_insert AFTER INSERT ON patient BEGIN
    INSERT INTO audit_append SELECT 'patient', id, visit_id, 'insert', image FROM patient_image WHERE id = new.id;
END;
CREATE TRIGGER patient_audit_update AFTER UPDATE OF id, name, date_of_birth, sex, contact, occupation, history, notes, created_at, updated_at ON patient BEGIN
    INSERT INTO audit_append SELECT 'patient', id, visit_id, 'update', image FROM patient_image WHERE id = new.id;
END;
CREATE TRIGGER patient_audit_delete AFTER DELETE ON patient BEGIN
    INSERT INTO audit_append VALUES ('patient', old.id, NULL, 'delete', NULL);
END;

CREATE TRIGGER visit_audit_insert AFTER INSERT ON visit BEGIN
    INSERT INTO audit_append SELECT 'visit', id, visit_id, 'insert', image FROM visit_image WHERE id = new.id;
END;
CREATE TRIGGER visit_audit_update AFTER UPDATE ON visit BEGIN
    INSERT INTO audit_append SELECT 'visit', id, visit_id, 'update', image FROM visit_image WHERE id = new.id;
END;
CREATE TRIGGER visit_audit_delete AFTER DELETE ON visit BEGIN
    INSERT INTO audit_append VALUES ('visit', old.id, old.id, 'delete', NULL);
END;

CREATE TRIGGER finding_audit_insert AFTER INSERT ON finding BEGIN
    INSERT INTO audit_append SELECT 'finding', id, visit_id, 'insert', image FROM finding_image WHERE id = new.id;
END;
CREATE TRIGGER finding_audit_update AFTER UPDATE ON finding BEGIN
    INSERT INTO audit_append SELECT 'finding', id, visit_id, 'update', image FROM finding_image WHERE id = new.id;
END;
CREATE TRIGGER finding_audit_delete AFTER DELETE ON finding BEGIN
    INSERT INTO audit_append VALUES ('finding', old.id, old.visit_id, 'delete', NULL);
END;

CREATE TRIGGER intervention_audit_insert AFTER INSERT ON intervention BEGIN
    INSERT INTO audit_append SELECT 'intervention', id, visit_id, 'insert', image FROM intervention_image WHERE id = new.id;
END;
CREATE TRIGGER intervention_audit_update AFTER UPDATE ON intervention BEGIN
    INSERT INTO audit_append SELECT 'intervention', id, visit_id, 'update', image FROM intervention_image WHERE id = new.id;
END;
CREATE TRIGGER intervention_audit_delete AFTER DELETE ON intervention BEGIN
    INSERT INTO audit_append VALUES ('intervention', old.id, old.visit_id, 'delete', NULL);
END;

CREATE TRIGGER addendum_audit_insert AFTER INSERT ON addendum BEGIN
    INSERT INTO audit_append SELECT 'addendum', id, visit_id, 'insert', image FROM addendum_image WHERE id = new.id;
END;

-- What was in the notebook before the trail began.
INSERT INTO audit_append SELECT 'patient', id, visit_id, 'baseline', image FROM patient_image ORDER BY id;
INSERT INTO audit_append SELECT 'visit', id, visit_id, 'baseline', image FROM visit_image ORDER BY id;
INSERT INTO audit_append SELECT 'finding', id, visit_id, 'baseline', image FROM finding_image ORDER BY id;
INSERT INTO audit_append SELECT 'intervention', id, visit_id, 'baseline', image FROM intervention_image ORDER BY id;

-- migration 5: ids never reused (AUTOINCREMENT on every audited table), a notebook_event table that audits export, backup, restore and rekey, and the chain's head recorded in each signature
--
-- SQLite cannot add AUTOINCREMENT to a table, so each audited table is rebuilt: every
-- trigger and image view is dropped, each table is copied into its new form and renamed,
-- and the triggers and views are made again as they were. The store runs migrations with
-- foreign keys off, so dropping a table deletes nothing else; it checks them before commit.
-- No data changes, so the audit trail records nothing and its last image of each row
-- still matches.

DROP TRIGGER IF EXISTS patient_name_search_insert;
DROP TRIGGER IF EXISTS patient_name_search_delete;
DROP TRIGGER IF EXISTS patient_name_search_update;
DROP TRIGGER IF EXISTS patient_seen_insert;
DROP TRIGGER IF EXISTS visit_seen_insert;
DROP TRIGGER IF EXISTS visit_seen_update;
DROP TRIGGER IF EXISTS visit_seen_delete;
DROP TRIGGER IF EXISTS visit_signature_required;
DROP TRIGGER IF EXISTS visit_insert_unsigned;
DROP TRIGGER IF EXISTS visit_signed_update;
DROP TRIGGER IF EXISTS visit_draft_unsigned;
DROP TRIGGER IF EXISTS visit_signed_delete;
DROP TRIGGER IF EXISTS finding_signed_insert;
DROP TRIGGER IF EXISTS finding_signed_update;
DROP TRIGGER IF EXISTS finding_signed_delete;
DROP TRIGGER IF EXISTS intervention_signed_insert;
DROP TRIGGER IF EXISTS intervention_signed_update;
DROP TRIGGER IF EXISTS intervention_signed_delete;
DROP TRIGGER IF EXISTS addendum_to_signed;
DROP TRIGGER IF EXISTS addendum_no_update;
DROP TRIGGER IF EXISTS addendum_no_delete;
DROP TRIGGER IF EXISTS patient_audit_insert;
DROP TRIGGER IF EXISTS patient_audit_update;
DROP TRIGGER IF EXISTS patient_audit_delete;
DROP TRIGGER IF EXISTS visit_audit_insert;
DROP TRIGGER IF EXISTS visit_audit_update;
DROP TRIGGER IF EXISTS visit_audit_delete;
DROP TRIGGER IF EXISTS finding_audit_insert;
DROP TRIGGER IF EXISTS finding_audit_update;
DROP TRIGGER IF EXISTS finding_audit_delete;
DROP TRIGGER IF EXISTS intervention_audit_insert;
DROP TRIGGER IF EXISTS intervention_audit_update;
DROP TRIGGER IF EXISTS intervention_audit_delete;
DROP TRIGGER IF EXISTS addendum_audit_insert;
DROP VIEW IF EXISTS patient_image;
DROP VIEW IF EXISTS visit_image;
DROP VIEW IF EXISTS finding_image;
DROP VIEW IF EXISTS intervention_image;
DROP VIEW IF EXISTS addendum_image;

CREATE TABLE patient_new (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT NOT NULL CHECK (length(trim(name)) > 0),
    date_of_birth TEXT CHECK (date_of_birth IS NULL OR date(date_of_birth) = date_of_birth),
    sex           TEXT NOT NULL DEFAULT 'unknown' CHECK (sex IN ('female', 'male', 'other', 'unknown')),
    contact       TEXT NOT NULL DEFAULT '',
    occupation    TEXT NOT NULL DEFAULT '',
    history       TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(history) AND json_type(history) = 'array'),
    notes         TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now')),
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now')),
    last_seen     TEXT
);
INSERT INTO patient_new (id, name, date_of_birth, sex, contact, occupation, history, notes, created_at, updated_at, last_seen)
SELECT id, name, date_of_birth, sex, contact, occupation, history, notes, created_at, updated_at, last_seen FROM patient;
DROP TABLE patient;
ALTER TABLE patient_new RENAME TO patient;
CREATE INDEX patient_date_of_birth ON patient (date_of_birth);
CREATE INDEX patient_last_seen ON patient (last_seen DESC, name COLLATE NOCASE, id);

CREATE TABLE visit_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id      INTEGER NOT NULL REFERENCES patient (id) ON DELETE CASCADE,
    started_at      TEXT NOT NULL CHECK (datetime(started_at) IS NOT NULL),
    kind            TEXT NOT NULL CHECK (kind IN ('initial_exam', 'follow_up', 're_exam', 'discharge')),
    chief_complaint TEXT NOT NULL DEFAULT '',
    subjective      TEXT NOT NULL DEFAULT '',
    objective       TEXT NOT NULL DEFAULT '',
    assessment      TEXT NOT NULL DEFAULT '',
    plan            TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'signed')),
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now')),
    updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now')),
    signed_by       TEXT,
    signed_at       TEXT CHECK (signed_at IS NULL OR datetime(signed_at) IS NOT NULL),
    -- The audit chain's head when the visit was signed ("row N <sha-256>"), printed with the
    -- signature so that a copy of it kept elsewhere anchors the chain.
    signed_chain    TEXT
);
INSERT INTO visit_new (id, patient_id, started_at, kind, chief_complaint, subjective, objective, assessment, plan, status, created_at, updated_at, signed_by, signed_at)
SELECT id, patient_id, started_at, kind, chief_complaint, subjective, objective, assessment, plan, status, created_at, updated_at, signed_by, signed_at FROM visit;
DROP TABLE visit;
ALTER TABLE visit_new RENAME TO visit;
CREATE INDEX visit_patient_started ON visit (patient_id, started_at, id);

CREATE TABLE finding_new (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    visit_id     INTEGER NOT NULL REFERENCES visit (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    region       TEXT,
    side         TEXT NOT NULL DEFAULT 'none' CHECK (side IN ('left', 'right', 'bilateral', 'midline', 'none')),
    intensity    INTEGER CHECK (intensity IS NULL OR intensity BETWEEN 0 AND 10),
    presence     TEXT NOT NULL DEFAULT 'present' CHECK (presence IN ('present', 'absent')),
    test_name    TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    carried_over INTEGER NOT NULL DEFAULT 0 CHECK (carried_over IN (0, 1))
);
INSERT INTO finding_new (id, visit_id, kind, region, side, intensity, presence, test_name, note, carried_over)
SELECT id, visit_id, kind, region, side, intensity, presence, test_name, note, carried_over FROM finding;
DROP TABLE finding;
ALTER TABLE finding_new RENAME TO finding;
CREATE INDEX finding_visit ON finding (visit_id, id);

CREATE TABLE intervention_new (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    visit_id  INTEGER NOT NULL REFERENCES visit (id) ON DELETE CASCADE,
    kind      TEXT NOT NULL CHECK (kind IN ('spinal_manipulation', 'mobilization', 'soft_tissue', 'dry_needling',
                                            'stretch', 'exercise', 'taping', 'advice', 'referral')),
    target    TEXT NOT NULL DEFAULT '',
    region    TEXT,
    side      TEXT NOT NULL DEFAULT 'none' CHECK (side IN ('left', 'right', 'bilateral', 'midline', 'none')),
    dose      TEXT NOT NULL DEFAULT '',
    notes     TEXT NOT NULL DEFAULT '',
    cpt_code  TEXT NOT NULL DEFAULT ''
);
INSERT INTO intervention_new (id, visit_id, kind, target, region, side, dose, notes, cpt_code)
SELECT id, visit_id, kind, target, region, side, dose, notes, cpt_code FROM intervention;
DROP TABLE intervention;
ALTER TABLE intervention_new RENAME TO intervention;
CREATE INDEX intervention_visit ON intervention (visit_id, id);

CREATE TABLE addendum_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    visit_id    INTEGER NOT NULL REFERENCES visit (id),
    author      TEXT NOT NULL CHECK (length(trim(author)) > 0),
    written_at  TEXT NOT NULL CHECK (datetime(written_at) IS NOT NULL),
    reason      TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    body        TEXT NOT NULL CHECK (length(trim(body)) > 0)
);
INSERT INTO addendum_new (id, visit_id, author, written_at, reason, body)
SELECT id, visit_id, author, written_at, reason, body FROM addendum;
DROP TABLE addendum;
ALTER TABLE addendum_new RENAME TO addendum;
CREATE INDEX addendum_visit ON addendum (visit_id, id);

-- Export, backup, restore and rekey, each a row, audited like clinical data.
CREATE TABLE notebook_event (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now')),
    what    TEXT NOT NULL CHECK (what IN ('export', 'backup', 'restore', 'rekey')),
    detail  TEXT NOT NULL DEFAULT ''
);

-- The clinician who writes in this notebook, named by the window's Settings: the command
-- line records its changes under this name unless told otherwise (--as).
CREATE TABLE notebook_setting (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);

-- An id once used is never given again, also for rows deleted before this migration:
-- the trail remembers them.
DELETE FROM sqlite_sequence WHERE name IN ('patient', 'visit', 'finding', 'intervention', 'addendum', 'notebook_event');
INSERT INTO sqlite_sequence (name, seq)
SELECT t.name, max(coalesce(t.top, 0), coalesce((SELECT max(a.row_id) FROM audit a WHERE a.table_name = t.name), 0))
FROM (SELECT 'patient' AS name, (SELECT max(id) FROM patient) AS top
      UNION ALL SELECT 'visit', (SELECT max(id) FROM visit)
      UNION ALL SELECT 'finding', (SELECT max(id) FROM finding)
      UNION ALL SELECT 'intervention', (SELECT max(id) FROM intervention)
      UNION ALL SELECT 'addendum', (SELECT max(id) FROM addendum)
      UNION ALL SELECT 'notebook_event', 0) AS t;

CREATE TRIGGER patient_name_search_insert AFTER INSERT ON patient BEGIN
    INSERT INTO patient_name_search (rowid, name) VALUES (new.id, new.name);
END;

CREATE TRIGGER patient_name_search_delete AFTER DELETE ON patient BEGIN
    INSERT INTO patient_name_search (patient_name_search, rowid, name) VALUES ('delete', old.id, old.name);
END;

CREATE TRIGGER patient_name_search_update AFTER UPDATE OF name ON patient BEGIN
    INSERT INTO patient_name_search (patient_name_search, rowid, name) VALUES ('delete', old.id, old.name);
    INSERT INTO patient_name_search (rowid, name) VALUES (new.id, new.name);
END;

CREATE TRIGGER patient_seen_insert AFTER INSERT ON patient WHEN new.last_seen IS NULL BEGIN
    UPDATE patient SET last_seen = new.created_at WHERE id = new.id;
END;

CREATE TRIGGER visit_seen_insert AFTER INSERT ON visit BEGIN
    UPDATE patient
    SET last_seen = (SELECT max(v.started_at) FROM visit v WHERE v.patient_id = new.patient_id)
    WHERE id = new.patient_id;
END;

CREATE TRIGGER visit_seen_update AFTER UPDATE OF started_at, patient_id ON visit BEGIN
    UPDATE patient
    SET last_seen = coalesce((SELECT max(v.started_at) FROM visit v WHERE v.patient_id = patient.id), created_at)
    WHERE id IN (old.patient_id, new.patient_id);
END;

CREATE TRIGGER visit_seen_delete AFTER DELETE ON visit BEGIN
    UPDATE patient
    SET last_seen = coalesce((SELECT max(v.started_at) FROM visit v WHERE v.patient_id = patient.id), created_at)
    WHERE id = old.patient_id;
END;

CREATE TRIGGER visit_signature_required BEFORE UPDATE OF status ON visit
WHEN new.status = 'signed' AND (new.signed_by IS NULL OR length(trim(new.signed_by)) = 0 OR new.signed_at IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'a visit is signed with the clinician''s name and the time');
END;

CREATE TRIGGER visit_insert_unsigned BEFORE INSERT ON visit
WHEN new.status = 'signed' OR new.signed_by IS NOT NULL OR new.signed_at IS NOT NULL OR new.signed_chain IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a visit is created as a draft and signed afterwards');
END;

-- SQLite runs the triggers of a table newest first: a signed visit says so first.
CREATE TRIGGER visit_draft_unsigned BEFORE UPDATE ON visit
WHEN new.status = 'draft' AND (new.signed_by IS NOT NULL OR new.signed_at IS NOT NULL OR new.signed_chain IS NOT NULL)
BEGIN
    SELECT RAISE(ABORT, 'a draft visit carries no signature');
END;


CREATE TRIGGER visit_signed_update BEFORE UPDATE ON visit WHEN old.status = 'signed'
BEGIN
    SELECT RAISE(ABORT, 'this visit is signed and cannot be changed; add an addendum');
END;

CREATE TRIGGER visit_signed_delete BEFORE DELETE ON visit WHEN old.status = 'signed'
BEGIN
    SELECT RAISE(ABORT, 'this visit is signed and cannot be deleted');
END;

CREATE TRIGGER finding_signed_insert BEFORE INSERT ON finding
WHEN (SELECT status FROM visit WHERE id = new.visit_id) = 'signed'
BEGIN
    SELECT RAISE(ABORT, 'this visit is signed and cannot be changed; add an addendum');
END;

CREATE TRIGGER finding_signed_update BEFORE UPDATE ON finding
WHEN (SELECT status FROM visit WHERE id = old.visit_id) = 'signed'
  OR (SELECT status FROM visit WHERE id = new.visit_id) = 'signed'
BEGIN
    SELECT RAISE(ABORT, 'this visit is signed and cannot be changed; add an addendum');
END;

CREATE TRIGGER finding_signed_delete BEFORE DELETE ON finding
WHEN (SELECT status FROM visit WHERE id = old.visit_id) = 'signed'
BEGIN
    SELECT RAISE(ABORT, 'this visit is signed and cannot be changed; add an addendum');
END;

CREATE TRIGGER intervention_signed_insert BEFORE INSERT ON intervention
WHEN (SELECT status FROM visit WHERE id = new.visit_id) = 'signed'
BEGIN
    SELECT RAISE(ABORT, 'this visit is signed and cannot be changed; add an addendum');
END;

CREATE TRIGGER intervention_signed_update BEFORE UPDATE ON intervention
WHEN (SELECT status FROM visit WHERE id = old.visit_id) = 'signed'
  OR (SELECT status FROM visit WHERE id = new.visit_id) = 'signed'
BEGIN
    SELECT RAISE(ABORT, 'this visit is signed and cannot be changed; add an addendum');
END;

CREATE TRIGGER intervention_signed_delete BEFORE DELETE ON intervention
WHEN (SELECT status FROM visit WHERE id = old.visit_id) = 'signed'
BEGIN
    SELECT RAISE(ABORT, 'this visit is signed and cannot be changed; add an addendum');
END;

CREATE TRIGGER addendum_to_signed BEFORE INSERT ON addendum
WHEN coalesce((SELECT status FROM visit WHERE id = new.visit_id), '') <> 'signed'
BEGIN
    SELECT RAISE(ABORT, 'addenda are for signed visits; a draft is edited directly');
END;

CREATE TRIGGER addendum_no_update BEFORE UPDATE ON addendum
BEGIN
    SELECT RAISE(ABORT, 'an addendum cannot be changed; add another');
END;

CREATE TRIGGER addendum_no_delete BEFORE DELETE ON addendum
BEGIN
    SELECT RAISE(ABORT, 'an addendum cannot be deleted; add another');
END;

CREATE TRIGGER notebook_event_no_update BEFORE UPDATE ON notebook_event
BEGIN
    SELECT RAISE(ABORT, 'the record of notebook events cannot be changed');
END;

CREATE TRIGGER notebook_event_no_delete BEFORE DELETE ON notebook_event
BEGIN
    SELECT RAISE(ABORT, 'the record of notebook events cannot be changed');
END;

CREATE VIEW patient_image (id, visit_id, image) AS
SELECT id, NULL, json_object('id', id, 'name', name, 'date_of_birth', date_of_birth, 'sex', sex,
    'contact', contact, 'occupation', occupation, 'history', history, 'notes', notes,
    'created_at', created_at, 'updated_at', updated_at)
FROM patient;

-- signed_chain joins the image only once set, so that every image recorded before this
-- migration still matches its row.
CREATE VIEW visit_image (id, visit_id, image) AS
SELECT id, id, CASE WHEN signed_chain IS NULL THEN
    json_object('id', id, 'patient_id', patient_id, 'started_at', started_at, 'kind', kind,
        'chief_complaint', chief_complaint, 'subjective', subjective, 'objective', objective,
        'assessment', assessment, 'plan', plan, 'status', status, 'signed_by', signed_by,
        'signed_at', signed_at, 'created_at', created_at, 'updated_at', updated_at)
  ELSE
    json_object('id', id, 'patient_id', patient_id, 'started_at', started_at, 'kind', kind,
        'chief_complaint', chief_complaint, 'subjective', subjective, 'objective', objective,
        'assessment', assessment, 'plan', plan, 'status', status, 'signed_by', signed_by,
        'signed_at', signed_at, 'created_at', created_at, 'updated_at', updated_at,
        'signed_chain', signed_chain)
  END
FROM visit;

CREATE VIEW finding_image (id, visit_id, image) AS
SELECT id, visit_id, json_object('id', id, 'visit_id', visit_id, 'kind', kind, 'region', region,
    'side', side, 'intensity', intensity, 'presence', presence, 'test_name', test_name,
    'note', note, 'carried_over', carried_over)
FROM finding;

CREATE VIEW intervention_image (id, visit_id, image) AS
SELECT id, visit_id, json_object('id', id, 'visit_id', visit_id, 'kind', kind, 'target', target,
    'region', region, 'side', side, 'dose', dose, 'notes', notes, 'cpt_code', cpt_code)
FROM intervention;

CREATE VIEW addendum_image (id, visit_id, image) AS
SELECT id, visit_id, json_object('id', id, 'visit_id', visit_id, 'author', author,
    'written_at', written_at, 'reason', reason, 'body', body)
FROM addendum;

CREATE VIEW notebook_event_image (id, visit_id, image) AS
SELECT id, NULL, json_object('id', id, 'at', at, 'what', what, 'detail', detail)
FROM notebook_event;

CREATE TRIGGER patient_audit_insert AFTER INSERT ON patient BEGIN
    INSERT INTO audit_append SELECT 'patient', id, visit_id, 'insert', image FROM patient_image WHERE id = new.id;
END;
CREATE TRIGGER patient_audit_update AFTER UPDATE OF id, name, date_of_birth, sex, contact, occupation, history, notes, created_at, updated_at ON patient BEGIN
    INSERT INTO audit_append SELECT 'patient', id, visit_id, 'update', image FROM patient_image WHERE id = new.id;
END;
CREATE TRIGGER patient_audit_delete AFTER DELETE ON patient BEGIN
    INSERT INTO audit_append VALUES ('patient', old.id, NULL, 'delete', NULL);
END;

CREATE TRIGGER visit_audit_insert AFTER INSERT ON visit BEGIN
    INSERT INTO audit_append SELECT 'visit', id, visit_id, 'insert', image FROM visit_image WHERE id = new.id;
END;
CREATE TRIGGER visit_audit_update AFTER UPDATE ON visit BEGIN
    INSERT INTO audit_append SELECT 'visit', id, visit_id, 'update', image FROM visit_image WHERE id = new.id;
END;
CREATE TRIGGER visit_audit_delete AFTER DELETE ON visit BEGIN
    INSERT INTO audit_append VALUES ('visit', old.id, old.id, 'delete', NULL);
END;

CREATE TRIGGER finding_audit_insert AFTER INSERT ON finding BEGIN
    INSERT INTO audit_append SELECT 'finding', id, visit_id, 'insert', image FROM finding_image WHERE id = new.id;
END;
CREATE TRIGGER finding_audit_update AFTER UPDATE ON finding BEGIN
    INSERT INTO audit_append SELECT 'finding', id, visit_id, 'update', image FROM finding_image WHERE id = new.id;
END;
CREATE TRIGGER finding_audit_delete AFTER DELETE ON finding BEGIN
    INSERT INTO audit_append VALUES ('finding', old.id, old.visit_id, 'delete', NULL);
END;

CREATE TRIGGER intervention_audit_insert AFTER INSERT ON intervention BEGIN
    INSERT INTO audit_append SELECT 'intervention', id, visit_id, 'insert', image FROM intervention_image WHERE id = new.id;
END;
CREATE TRIGGER intervention_audit_update AFTER UPDATE ON intervention BEGIN
    INSERT INTO audit_append SELECT 'intervention', id, visit_id, 'update', image FROM intervention_image WHERE id = new.id;
END;
CREATE TRIGGER intervention_audit_delete AFTER DELETE ON intervention BEGIN
    INSERT INTO audit_append VALUES ('intervention', old.id, old.visit_id, 'delete', NULL);
END;

CREATE TRIGGER addendum_audit_insert AFTER INSERT ON addendum BEGIN
    INSERT INTO audit_append SELECT 'addendum', id, visit_id, 'insert', image FROM addendum_image WHERE id = new.id;
END;

CREATE TRIGGER notebook_event_audit_insert AFTER INSERT ON notebook_event BEGIN
    INSERT INTO audit_append SELECT 'notebook_event', id, visit_id, 'insert', image FROM notebook_event_image WHERE id = new.id;
END;

-- migration 6: what clinicians measure and do, as one JSON object beside each finding and intervention
--
-- A finding's detail holds its spinal level, named structure, measured value, strength and
-- reflex grades, what a test reproduced, severity, frequency, what provokes and eases it,
-- onset and course (src/model/detail.rs); an intervention's, its technique, segments,
-- mobilisation grade, modality, sets and reps, minutes and CPT units. The audit images
-- carry the detail only once a row has one, so that every image recorded before still
-- matches its row; the signing triggers cover it as they cover every column.

ALTER TABLE finding ADD COLUMN detail TEXT CHECK (detail IS NULL OR (json_valid(detail) AND json_type(detail) = 'object'));
ALTER TABLE intervention ADD COLUMN detail TEXT CHECK (detail IS NULL OR (json_valid(detail) AND json_type(detail) = 'object'));

DROP VIEW finding_image;
CREATE VIEW finding_image (id, visit_id, image) AS
SELECT id, visit_id, CASE WHEN detail IS NULL THEN
    json_object('id', id, 'visit_id', visit_id, 'kind', kind, 'region', region,
        'side', side, 'intensity', intensity, 'presence', presence, 'test_name', test_name,
        'note', note, 'carried_over', carried_over)
  ELSE
    json_object('id', id, 'visit_id', visit_id, 'kind', kind, 'region', region,
        'side', side, 'intensity', intensity, 'presence', presence, 'test_name', test_name,
        'note', note, 'carried_over', carried_over, 'detail', json(detail))
  END
FROM finding;

DROP VIEW intervention_image;
CREATE VIEW intervention_image (id, visit_id, image) AS
SELECT id, visit_id, CASE WHEN detail IS NULL THEN
    json_object('id', id, 'visit_id', visit_id, 'kind', kind, 'target', target,
        'region', region, 'side', side, 'dose', dose, 'notes', notes, 'cpt_code', cpt_code)
  ELSE
    json_object('id', id, 'visit_id', visit_id, 'kind', kind, 'target', target,
        'region', region, 'side', side, 'dose', dose, 'notes', notes, 'cpt_code', cpt_code,
        'detail', json(detail))
  END
FROM intervention;

-- migration 7: what a physical therapist or chiropractor also charts as done: modalities, orthotics, braces, manual therapy and neuromuscular re-education as billed, and manipulation of joints outside the spine
--
-- SQLite cannot widen a CHECK, so the intervention table is rebuilt with the same rows and
-- ids, its sequence kept (an id once used is never given again), and its triggers, index
-- and image view made again as they were.

DROP TRIGGER IF EXISTS intervention_signed_insert;
DROP TRIGGER IF EXISTS intervention_signed_update;
DROP TRIGGER IF EXISTS intervention_signed_delete;
DROP TRIGGER IF EXISTS intervention_audit_insert;
DROP TRIGGER IF EXISTS intervention_audit_update;
DROP TRIGGER IF EXISTS intervention_audit_delete;
DROP VIEW IF EXISTS intervention_image;

CREATE TABLE intervention_new (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    visit_id  INTEGER NOT NULL REFERENCES visit (id) ON DELETE CASCADE,
    kind      TEXT NOT NULL CHECK (kind IN ('spinal_manipulation', 'mobilization', 'soft_tissue', 'dry_needling',
                                            'stretch', 'exercise', 'taping', 'advice', 'referral',
                                            'modality', 'orthotic', 'brace', 'manual_therapy',
                                            'neuromuscular_reeducation', 'extraspinal_manipulation')),
    target    TEXT NOT NULL DEFAULT '',
    region    TEXT,
    side      TEXT NOT NULL DEFAULT 'none' CHECK (side IN ('left', 'right', 'bilateral', 'midline', 'none')),
    dose      TEXT NOT NULL DEFAULT '',
    notes     TEXT NOT NULL DEFAULT '',
    cpt_code  TEXT NOT NULL DEFAULT '',
    detail    TEXT CHECK (detail IS NULL OR (json_valid(detail) AND json_type(detail) = 'object'))
);
INSERT INTO intervention_new (id, visit_id, kind, target, region, side, dose, notes, cpt_code, detail)
SELECT id, visit_id, kind, target, region, side, dose, notes, cpt_code, detail FROM intervention;
-- The old table's sequence, which may be above its highest id (rows deleted since).
INSERT INTO sqlite_sequence (name, seq)
SELECT 'intervention_kept', coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'intervention'), 0);
DROP TABLE intervention;
ALTER TABLE intervention_new RENAME TO intervention;
DELETE FROM sqlite_sequence WHERE name IN ('intervention', 'intervention_new');
INSERT INTO sqlite_sequence (name, seq)
SELECT 'intervention', max(seq, coalesce((SELECT max(id) FROM intervention), 0))
FROM sqlite_sequence WHERE name = 'intervention_kept';
DELETE FROM sqlite_sequence WHERE name = 'intervention_kept';
CREATE INDEX intervention_visit ON intervention (visit_id, id);

CREATE TRIGGER intervention_signed_insert BEFORE INSERT ON intervention
WHEN (SELECT status FROM visit WHERE id = new.visit_id) = 'signed'
BEGIN
    SELECT RAISE(ABORT, 'this visit is signed and cannot be changed; add an addendum');
END;

CREATE TRIGGER intervention_signed_update BEFORE UPDATE ON intervention
WHEN (SELECT status FROM visit WHERE id = old.visit_id) = 'signed'
  OR (SELECT status FROM visit WHERE id = new.visit_id) = 'signed'
BEGIN
    SELECT RAISE(ABORT, 'this visit is signed and cannot be changed; add an addendum');
END;

CREATE TRIGGER intervention_signed_delete BEFORE DELETE ON intervention
WHEN (SELECT status FROM visit WHERE id = old.visit_id) = 'signed'
BEGIN
    SELECT RAISE(ABORT, 'this visit is signed and cannot be changed; add an addendum');
END;

CREATE VIEW intervention_image (id, visit_id, image) AS
SELECT id, visit_id, CASE WHEN detail IS NULL THEN
    json_object('id', id, 'visit_id', visit_id, 'kind', kind, 'target', target,
        'region', region, 'side', side, 'dose', dose, 'notes', notes, 'cpt_code', cpt_code)
  ELSE
    json_object('id', id, 'visit_id', visit_id, 'kind', kind, 'target', target,
        'region', region, 'side', side, 'dose', dose, 'notes', notes, 'cpt_code', cpt_code,
        'detail', json(detail))
  END
FROM intervention;

CREATE TRIGGER intervention_audit_insert AFTER INSERT ON intervention BEGIN
    INSERT INTO audit_append SELECT 'intervention', id, visit_id, 'insert', image FROM intervention_image WHERE id = new.id;
END;
CREATE TRIGGER intervention_audit_update AFTER UPDATE ON intervention BEGIN
    INSERT INTO audit_append SELECT 'intervention', id, visit_id, 'update', image FROM intervention_image WHERE id = new.id;
END;
CREATE TRIGGER intervention_audit_delete AFTER DELETE ON intervention BEGIN
    INSERT INTO audit_append VALUES ('intervention', old.id, old.visit_id, 'delete', NULL);
END;

-- migration 8: outcome measures (ODI, NDI, LEFS, PSFS, QuickDASH, STarT Back, NPRS, Global Rating of Change) filled in at a visit, audited and locked with it
--
-- The answers are kept by item number, null where an item was left out; the activities
-- are the PSFS patient's own; the score is worked out by Upstream from the answers by the
-- instrument's rule (src/model/measure.rs) and kept so that the trail records what the
-- clinician saw. Like findings, a signed visit's measures cannot change.

CREATE TABLE measure (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    visit_id    INTEGER NOT NULL REFERENCES visit (id) ON DELETE CASCADE,
    instrument  TEXT NOT NULL CHECK (instrument <> ''),
    answers     TEXT NOT NULL CHECK (json_valid(answers) AND json_type(answers) = 'array'),
    activities  TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(activities) AND json_type(activities) = 'array'),
    score       REAL
);
CREATE INDEX measure_visit ON measure (visit_id, id);

CREATE TRIGGER measure_signed_insert BEFORE INSERT ON measure
WHEN (SELECT status FROM visit WHERE id = new.visit_id) = 'signed'
BEGIN
    SELECT RAISE(ABORT, 'this visit is signed and cannot be changed; add an addendum');
END;

CREATE TRIGGER measure_signed_update BEFORE UPDATE ON measure
WHEN (SELECT status FROM visit WHERE id = old.visit_id) = 'signed'
  OR (SELECT status FROM visit WHERE id = new.visit_id) = 'signed'
BEGIN
    SELECT RAISE(ABORT, 'this visit is signed and cannot be changed; add an addendum');
END;

CREATE TRIGGER measure_signed_delete BEFORE DELETE ON measure
WHEN (SELECT status FROM visit WHERE id = old.visit_id) = 'signed'
BEGIN
    SELECT RAISE(ABORT, 'this visit is signed and cannot be changed; add an addendum');
END;

CREATE VIEW measure_image (id, visit_id, image) AS
SELECT id, visit_id, json_object('id', id, 'visit_id', visit_id, 'instrument', instrument,
    'answers', json(answers), 'activities', json(activities), 'score', score)
FROM measure;

CREATE TRIGGER measure_audit_insert AFTER INSERT ON measure BEGIN
    INSERT INTO audit_append SELECT 'measure', id, visit_id, 'insert', image FROM measure_image WHERE id = new.id;
END;
CREATE TRIGGER measure_audit_update AFTER UPDATE ON measure BEGIN
    INSERT INTO audit_append SELECT 'measure', id, visit_id, 'update', image FROM measure_image WHERE id = new.id;
END;
CREATE TRIGGER measure_audit_delete AFTER DELETE ON measure BEGIN
    INSERT INTO audit_append VALUES ('measure', old.id, old.visit_id, 'delete', NULL);
END;

-- migration 9: the words of every note, finding and addendum in a full-text index kept by triggers, so that the patient search also finds a patient by what was written
--
-- One index row per written field. Its rowid is the source row's id times 8 plus the field
-- (0-4 the visit's chief complaint, subjective, objective, assessment and plan; 5 a
-- finding's test and note; 6 an addendum's reason and text), so that a trigger reaches
-- its row without a scan and the search names the field without another column. The
-- index is derived, not clinical: it is not audited, and it changes only when its source
-- row does (which the signing triggers already guard). Empty fields are not indexed.

CREATE VIRTUAL TABLE note_search USING fts5 (
    body,
    patient_id UNINDEXED,
    visit_id UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

CREATE TRIGGER note_search_visit_insert AFTER INSERT ON visit BEGIN
    INSERT INTO note_search (rowid, body, patient_id, visit_id)
    SELECT new.id * 8 + field, body, new.patient_id, new.id
    FROM (SELECT 0 AS field, new.chief_complaint AS body UNION ALL SELECT 1, new.subjective
          UNION ALL SELECT 2, new.objective UNION ALL SELECT 3, new.assessment
          UNION ALL SELECT 4, new.plan)
    WHERE length(trim(body)) > 0;
END;

CREATE TRIGGER note_search_visit_update AFTER UPDATE OF patient_id, chief_complaint, subjective, objective, assessment, plan ON visit BEGIN
    DELETE FROM note_search WHERE rowid BETWEEN old.id * 8 AND old.id * 8 + 4;
    INSERT INTO note_search (rowid, body, patient_id, visit_id)
    SELECT new.id * 8 + field, body, new.patient_id, new.id
    FROM (SELECT 0 AS field, new.chief_complaint AS body UNION ALL SELECT 1, new.subjective
          UNION ALL SELECT 2, new.objective UNION ALL SELECT 3, new.assessment
          UNION ALL SELECT 4, new.plan)
    WHERE length(trim(body)) > 0;
END;

CREATE TRIGGER note_search_visit_delete AFTER DELETE ON visit BEGIN
    DELETE FROM note_search WHERE rowid BETWEEN old.id * 8 AND old.id * 8 + 4;
END;

CREATE TRIGGER note_search_finding_insert AFTER INSERT ON finding
WHEN length(trim(new.test_name || new.note)) > 0
BEGIN
    INSERT INTO note_search (rowid, body, patient_id, visit_id)
    SELECT new.id * 8 + 5, trim(new.test_name || ' ' || new.note), v.patient_id, v.id
    FROM visit v WHERE v.id = new.visit_id;
END;

CREATE TRIGGER note_search_finding_update AFTER UPDATE OF visit_id, test_name, note ON finding BEGIN
    DELETE FROM note_search WHERE rowid = old.id * 8 + 5;
    INSERT INTO note_search (rowid, body, patient_id, visit_id)
    SELECT new.id * 8 + 5, trim(new.test_name || ' ' || new.note), v.patient_id, v.id
    FROM visit v WHERE v.id = new.visit_id AND length(trim(new.test_name || new.note)) > 0;
END;

CREATE TRIGGER note_search_finding_delete AFTER DELETE ON finding BEGIN
    DELETE FROM note_search WHERE rowid = old.id * 8 + 5;
END;

-- Addenda are never changed or deleted (migration 4), so they are only ever added.
CREATE TRIGGER note_search_addendum_insert AFTER INSERT ON addendum BEGIN
    INSERT INTO note_search (rowid, body, patient_id, visit_id)
    SELECT new.id * 8 + 6, new.reason || char(10) || new.body, v.patient_id, v.id
    FROM visit v WHERE v.id = new.visit_id;
END;

-- What the notebook held before the index began.
INSERT INTO note_search (rowid, body, patient_id, visit_id)
SELECT v.id * 8 + f.field, f.body, v.patient_id, v.id
FROM visit v
JOIN (SELECT id, 0 AS field, chief_complaint AS body FROM visit UNION ALL SELECT id, 1, subjective FROM visit
      UNION ALL SELECT id, 2, objective FROM visit UNION ALL SELECT id, 3, assessment FROM visit
      UNION ALL SELECT id, 4, plan FROM visit) AS f ON f.id = v.id
WHERE length(trim(f.body)) > 0;
INSERT INTO note_search (rowid, body, patient_id, visit_id)
SELECT f.id * 8 + 5, trim(f.test_name || ' ' || f.note), v.patient_id, v.id
FROM finding f JOIN visit v ON v.id = f.visit_id
WHERE length(trim(f.test_name || f.note)) > 0;
INSERT INTO note_search (rowid, body, patient_id, visit_id)
SELECT a.id * 8 + 6, a.reason || char(10) || a.body, v.patient_id, v.id
FROM addendum a JOIN visit v ON v.id = a.visit_id;

-- migration 10: the clinic profile that heads every document, and referral letters kept in the record as dated, signed documents
--
-- The profile is one row (id 1), audited like clinical data, since it names who sent each
-- document. A letter is signed by its author when it is made and then never changes nor is
-- deleted: a correction is another letter. Both are in the trail; a letter written from a
-- visit is in that visit's history.

CREATE TABLE clinic_profile (
    id            INTEGER PRIMARY KEY AUTOINCREMENT CHECK (id = 1),
    clinician     TEXT NOT NULL DEFAULT '',
    credentials   TEXT NOT NULL DEFAULT '',
    registration  TEXT NOT NULL DEFAULT '',
    practice      TEXT NOT NULL DEFAULT '',
    address       TEXT NOT NULL DEFAULT '',
    phone         TEXT NOT NULL DEFAULT '',
    logo          BLOB
);

CREATE TABLE letter (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id  INTEGER NOT NULL REFERENCES patient (id),
    visit_id    INTEGER REFERENCES visit (id),
    recipient   TEXT NOT NULL CHECK (length(trim(recipient)) > 0),
    urgency     TEXT NOT NULL CHECK (urgency IN ('emergency', 'same_day', 'soon', 'routine')),
    reason      TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    findings    TEXT NOT NULL DEFAULT '',
    done        TEXT NOT NULL DEFAULT '',
    avoided     TEXT NOT NULL DEFAULT '',
    signed_by   TEXT NOT NULL CHECK (length(trim(signed_by)) > 0),
    signed_at   TEXT NOT NULL CHECK (datetime(signed_at) IS NOT NULL)
);

CREATE INDEX letter_patient ON letter (patient_id, id);

CREATE TRIGGER letter_no_update BEFORE UPDATE ON letter
BEGIN
    SELECT RAISE(ABORT, 'a signed letter cannot be changed; write another');
END;

CREATE TRIGGER letter_no_delete BEFORE DELETE ON letter
BEGIN
    SELECT RAISE(ABORT, 'a signed letter cannot be deleted; write another');
END;

-- The logo is recorded as hex, so that a changed logo shows in the trail.
CREATE VIEW clinic_profile_image (id, visit_id, image) AS
SELECT id, NULL, json_object('id', id, 'clinician', clinician, 'credentials', credentials,
    'registration', registration, 'practice', practice, 'address', address, 'phone', phone,
    'logo', hex(logo))
FROM clinic_profile;

CREATE VIEW letter_image (id, visit_id, image) AS
SELECT id, visit_id, json_object('id', id, 'patient_id', patient_id, 'visit_id', visit_id,
    'recipient', recipient, 'urgency', urgency, 'reason', reason, 'findings', findings,
    'done', done, 'avoided', avoided, 'signed_by', signed_by, 'signed_at', signed_at)
FROM letter;

CREATE TRIGGER clinic_profile_audit_insert AFTER INSERT ON clinic_profile BEGIN
    INSERT INTO audit_append SELECT 'clinic_profile', id, visit_id, 'insert', image FROM clinic_profile_image WHERE id = new.id;
END;
CREATE TRIGGER clinic_profile_audit_update AFTER UPDATE ON clinic_profile BEGIN
    INSERT INTO audit_append SELECT 'clinic_profile', id, visit_id, 'update', image FROM clinic_profile_image WHERE id = new.id;
END;
CREATE TRIGGER clinic_profile_audit_delete AFTER DELETE ON clinic_profile BEGIN
    INSERT INTO audit_append VALUES ('clinic_profile', old.id, NULL, 'delete', NULL);
END;

CREATE TRIGGER letter_audit_insert AFTER INSERT ON letter BEGIN
    INSERT INTO audit_append SELECT 'letter', id, visit_id, 'insert', image FROM letter_image WHERE id = new.id;
END;

-- migration 11: the words of each intervention as charted (its target, dose and notes) in the note index, so that a search for what was done finds the patient too
--
-- Field 7 of the index's rowid (id * 8 + field, as migration 9 set out) is an
-- intervention's: "soleus, 10 min TrP pressure release" and its notes on the next line.
-- Its kind and CPT code are codes, not the clinician's words, and are not indexed.

CREATE TRIGGER note_search_intervention_insert AFTER INSERT ON intervention
WHEN length(trim(new.target || new.dose || new.notes)) > 0
BEGIN
    INSERT INTO note_search (rowid, body, patient_id, visit_id)
    SELECT new.id * 8 + 7,
           trim(ltrim(trim(new.target) || CASE WHEN trim(new.dose) <> '' THEN ', ' || trim(new.dose) ELSE '' END, ', ')
                || CASE WHEN trim(new.notes) <> '' THEN char(10) || trim(new.notes) ELSE '' END),
           v.patient_id, v.id
    FROM visit v WHERE v.id = new.visit_id;
END;

CREATE TRIGGER note_search_intervention_update AFTER UPDATE OF visit_id, target, dose, notes ON intervention BEGIN
    DELETE FROM note_search WHERE rowid = old.id * 8 + 7;
    INSERT INTO note_search (rowid, body, patient_id, visit_id)
    SELECT new.id * 8 + 7,
           trim(ltrim(trim(new.target) || CASE WHEN trim(new.dose) <> '' THEN ', ' || trim(new.dose) ELSE '' END, ', ')
                || CASE WHEN trim(new.notes) <> '' THEN char(10) || trim(new.notes) ELSE '' END),
           v.patient_id, v.id
    FROM visit v WHERE v.id = new.visit_id AND length(trim(new.target || new.dose || new.notes)) > 0;
END;

CREATE TRIGGER note_search_intervention_delete AFTER DELETE ON intervention BEGIN
    DELETE FROM note_search WHERE rowid = old.id * 8 + 7;
END;

-- What the notebook's interventions said before they were indexed.
INSERT INTO note_search (rowid, body, patient_id, visit_id)
SELECT i.id * 8 + 7,
       trim(ltrim(trim(i.target) || CASE WHEN trim(i.dose) <> '' THEN ', ' || trim(i.dose) ELSE '' END, ', ')
            || CASE WHEN trim(i.notes) <> '' THEN char(10) || trim(i.notes) ELSE '' END),
       v.patient_id, v.id
FROM intervention i JOIN visit v ON v.id = i.visit_id
WHERE length(trim(i.target || i.dose || i.notes)) > 0;
