-- Issue 15: a booking follows its duty. following is the 值班领导 the
-- visitor is to expect now when that is not booked_leader: set when the
-- duty's leader changed after booking (the office phones the visitor), '/'
-- when the day is no longer a duty day, '' as booked.
ALTER TABLE bookings ADD COLUMN following TEXT NOT NULL DEFAULT '';
