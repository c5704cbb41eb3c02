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
