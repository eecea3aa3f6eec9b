package scheduler

import (
	"context"
	"encoding/json"
	"time"

	"zhiban/notify"
	"zhiban/store"
)

// deliveryTimeout bounds one delivery pass, retries included.
const deliveryTimeout = 2 * time.Minute

// deliverAsync starts a delivery pass in the background; Flush waits for it.
func (s *Scheduler) deliverAsync() {
	if s.opt.Notify == nil || !s.track() {
		return
	}
	go func() {
		defer s.wg.Done()
		ctx, cancel := context.WithTimeout(s.base, deliveryTimeout)
		defer cancel()
		s.Deliver(ctx)
	}()
}

// Flush waits until the runs and deliveries started so far are over, or ctx ends.
func (s *Scheduler) Flush(ctx context.Context) error {
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// deliveryRetryFor: a reminder older than a day is stale, and a robot down for good must not be called forever.
const deliveryRetryFor = 24 * time.Hour

// deliveryBackoff: a minute doubled per attempt, at most two hours.
func deliveryBackoff(attempts int) time.Duration {
	return min(time.Minute<<min(attempts, 7), 2*time.Hour)
}

// claimBatch is how many deliveries a pass claims at a time; claimLease
// outlasts a whole pass (deliveryTimeout), so a live process never loses a
// claim it is still working on, and a dead one's claims free up soon after.
const (
	claimBatch = 10
	claimLease = deliveryTimeout + time.Minute
)

// Deliver sends due deliveries (pending ones, and failed ones past their
// backoff), each claimed in the database first so that parallel processes
// never send one message twice. Failures are logged and recorded, never
// returned to a job.
func (s *Scheduler) Deliver(ctx context.Context) (sent, failed int) {
	if s.opt.Notify == nil {
		return 0, 0
	}
	s.delMu.Lock()
	defer s.delMu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, deliveryTimeout)
	defer cancel()
	defer func() {
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := s.st.ReleaseDeliveries(wctx, s.owner); err != nil {
			s.log.Error("Cannot release notification claims", "err", err)
		}
	}()
	for ctx.Err() == nil {
		batch, err := s.st.ClaimDeliveries(ctx, s.owner, s.now(), time.Now(), claimLease, claimBatch)
		if err != nil {
			s.log.Error("Cannot read the notification outbox", "err", err)
			return sent, failed
		}
		if len(batch) == 0 {
			return sent, failed
		}
		for _, d := range batch {
			if ctx.Err() != nil {
				break
			}
			switch s.deliverOne(ctx, d) {
			case "sent":
				sent++
			case "failed":
				failed++
			}
		}
	}
	return sent, failed
}

// deliverOne sends a claimed delivery and records it; it returns the outcome,
// or "" for a failure too old to retry, which is given up unsent.
func (s *Scheduler) deliverOne(ctx context.Context, d store.Delivery) string {
	if d.Status == "failed" && s.now().After(d.CreatedAt.Add(deliveryRetryFor)) {
		s.finish(ctx, d, "failed", 0, d.Error, time.Time{})
		return ""
	}
	m := notify.Message{Subject: d.Subject, Text: d.Body}
	if err := json.Unmarshal([]byte(d.Recipients), &m.To); err != nil {
		s.log.Error("Bad notification recipients", "notification_id", d.ID, "err", err)
	}
	n, err := s.opt.Notify.Deliver(ctx, d.Channel, m)
	status, msg, next := "sent", "", time.Time{}
	if err != nil {
		status, msg = "failed", err.Error()
		if t := s.now().Add(deliveryBackoff(d.Attempts + n)); t.Before(d.CreatedAt.Add(deliveryRetryFor)) {
			next = t
		}
		s.log.Warn("Notification not delivered", "notification_id", d.ID, "channel", d.Channel,
			"job", d.Job, "period", d.Period, "attempts", n, "err", err)
	}
	s.finish(ctx, d, status, n, msg, next)
	return status
}

// finish records a claimed delivery's outcome, even when the pass ran out of time.
func (s *Scheduler) finish(ctx context.Context, d store.Delivery, status string, attempts int, msg string, next time.Time) {
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := s.st.FinishDelivery(wctx, s.owner, d.ID, d.Channel, status, attempts, msg, next); err != nil {
		s.log.Error("Cannot record a delivery", "notification_id", d.ID, "channel", d.Channel, "err", err)
	}
}
