-- Which imported year each calendar entry came from: a holiday-cn file for
-- 2029 carries 2028-12-30, and importing 2028 later must not delete it.
-- NULL marks entries from the county file.
ALTER TABLE holidays ADD COLUMN source_year INTEGER;
UPDATE holidays SET source_year = CAST(substr(date, 1, 4) AS INTEGER)
    WHERE CAST(substr(date, 1, 4) AS INTEGER) IN (SELECT year FROM holiday_years);
