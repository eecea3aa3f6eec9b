-- 满意度评价 (issue 14, item 3): the petitioner's answer at 受理 ('accept':
-- after the case was accepted or refused) and at 办理 ('handle': after the
-- 处理意见 was served). Staff record it from the answer given by phone or in
-- person (source 'staff', correctable with version), or the petitioner
-- answers online with the code printed on the 告知书/意见书 (source 'code').
-- At most one per case and stage: the use case checks it, UNIQUE backs it.
CREATE TABLE evaluations (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    stage       TEXT NOT NULL CHECK (stage IN ('accept', 'handle')),
    answer      TEXT NOT NULL CHECK (answer IN ('满意', '基本满意', '不满意')),
    source      TEXT NOT NULL CHECK (source IN ('staff', 'code')),
    answered_on TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (case_id, stage)
);
CREATE INDEX evaluations_answered ON evaluations(answered_on);

-- One 评价码 per case and stage. code_hash (sha256 hex of the normalised
-- code) finds it; code_sealed keeps it sealed like a phone (store/privacy.go)
-- so a reprinted document shows the same code. Valid through expires_on.
CREATE TABLE evaluation_codes (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    stage       TEXT NOT NULL CHECK (stage IN ('accept', 'handle')),
    code_hash   TEXT NOT NULL UNIQUE,
    code_sealed TEXT NOT NULL,
    made_on     TEXT NOT NULL,
    expires_on  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (case_id, stage)
);
