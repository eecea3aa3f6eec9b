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

// Deliver sends pending deliveries and retries failed ones past their backoff
// within deliveryRetryFor. Failures are logged and recorded, never returned to a job.
func (s *Scheduler) Deliver(ctx context.Context) (sent, failed int) {
	if s.opt.Notify == nil {
		return 0, 0
	}
	s.delMu.Lock()
	defer s.delMu.Unlock()
	pending, err := s.st.Deliveries(ctx, store.DeliveryFilter{Status: "pending", Limit: 500})
	if err != nil {
		s.log.Error("Cannot read the notification outbox", "err", err)
		return 0, 0
	}
	now := s.now()
	retry, err := s.st.Deliveries(ctx, store.DeliveryFilter{Status: "failed", Since: now.Add(-deliveryRetryFor), Limit: 500})
	if err != nil {
		s.log.Error("Cannot read the notification outbox", "err", err)
		return 0, 0
	}
	for _, d := range retry {
		if !now.Before(d.UpdatedAt.Add(deliveryBackoff(d.Attempts))) {
			pending = append(pending, d)
		}
	}
	for _, d := range pending {
		if ctx.Err() != nil {
			break
		}
		m := notify.Message{Subject: d.Subject, Text: d.Body}
		if err := json.Unmarshal([]byte(d.Recipients), &m.To); err != nil {
			s.log.Error("Bad notification recipients", "notification_id", d.ID, "err", err)
		}
		n, err := s.opt.Notify.Deliver(ctx, d.Channel, m)
		status, msg := "sent", ""
		if err != nil {
			status, msg = "failed", err.Error()
			failed++
			s.log.Warn("Notification not delivered", "notification_id", d.ID, "channel", d.Channel,
				"job", d.Job, "period", d.Period, "attempts", n, "err", err)
		} else {
			sent++
		}
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		if err := s.st.RecordDelivery(wctx, d.ID, d.Channel, status, n, msg); err != nil {
			s.log.Error("Cannot record a delivery", "notification_id", d.ID, "channel", d.Channel, "err", err)
		}
		cancel()
	}
	return sent, failed
}
