package service

import (
	"context"

	"zhiban/planner"
)

// OpenReceptions makes e.Today's 开门接访 sessions match the roster: one per
// 值班领导 of a roster that receives the public, naming the 跟班领导; sessions
// of leaders no longer on duty are cancelled. Roster edits keep them in step
// during the day; a rerun changes nothing. It returns how many it opened.
func OpenReceptions(ctx context.Context, e Env) (int, error) {
	done, err := planner.FollowRoster(ctx, e.Tx, e.Today, e.Today, e.Today, e.Actor, e.createdBy())
	return done.Opened, err
}
