-- Issue 11, domain corrections.

-- A roster that receives the public opens 开门接访 sessions for its first slot
-- (值班领导). Holiday duty at the 值班室 ('offdays') does not, unless the county
-- file says receives_public: true.
ALTER TABLE rosters ADD COLUMN receives_public INTEGER NOT NULL DEFAULT 1;
UPDATE rosters SET receives_public = 0 WHERE days = 'offdays';

-- A 开门接访 session names the 跟班领导 who shadows the 值班领导 that day.
ALTER TABLE visits ADD COLUMN shadow_id TEXT NOT NULL DEFAULT '';

-- A case is a petition (信访事项, with the statutory clocks) or a dispute a
-- sweep found (矛盾纠纷 under 包保: no channel, no petitioner, no 受理告知).
ALTER TABLE cases ADD COLUMN kind TEXT NOT NULL DEFAULT 'petition' CHECK (kind IN ('petition', 'dispute'));
UPDATE cases SET kind = 'dispute', channel = '', petitioner_name = '',
    state = CASE WHEN state = 'received' THEN 'accepted' ELSE state END,
    accepted_on = CASE WHEN accepted_on = '' THEN received_on ELSE accepted_on END
    WHERE from_finding IS NOT NULL;
