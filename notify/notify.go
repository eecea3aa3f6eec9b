// Package notify delivers short Chinese messages about duties to the log, a
// WeCom or DingTalk group robot, and e-mail, with retries that never block a
// job for long.
package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"zhiban/config"
)

// Recipient is who a message is for. Email is the leader's private address
// from the county file, used by the e-mail channel only; a leader without one
// is reached through the office.
type Recipient struct {
	PersonID string `json:"person_id,omitempty"`
	Name     string `json:"name"`
	Email    string `json:"email,omitempty"`
}

// Office is the duty office, told of every summary and of what a leader
// without an e-mail address must hear, so it can pass it on. The e-mail
// channel sends to the office list only when a message names Office.
var Office = Recipient{Name: "办公室"}

// Message is one notification. Text never holds petitioner data or phone numbers.
type Message struct {
	To      []Recipient `json:"to"`
	Subject string      `json:"subject"`
	Text    string      `json:"text"`
}

// Names lists the recipients' names, joined with 、.
func (m Message) Names() string {
	names := make([]string, 0, len(m.To))
	for _, r := range m.To {
		names = append(names, r.Name)
	}
	return strings.Join(names, "、")
}

// Notifier sends a message over one channel.
type Notifier interface {
	Notify(ctx context.Context, m Message) error
}

// Channel is a named notifier; the name keys the delivery log.
type Channel struct {
	Name     string
	Notifier Notifier
}

// Channels builds the channels the configuration turns on, in a fixed order.
func Channels(c config.Notify, log *slog.Logger) []Channel {
	var out []Channel
	if c.Log {
		out = append(out, Channel{"log", &Log{Logger: log}})
	}
	for _, w := range c.Robots() {
		out = append(out, Channel{w.Name, &Webhook{URL: w.URL, Kind: w.Kind, Secret: w.Secret, Format: w.Format}})
	}
	if c.SMTP.Host != "" {
		out = append(out, Channel{"email", &SMTP{
			Host: c.SMTP.Host, Port: c.SMTP.Port, Username: c.SMTP.Username, Password: c.SMTP.Password,
			From: c.SMTP.From, Office: c.SMTP.Office, TLS: c.SMTP.TLS, InsecureAuth: c.SMTP.InsecureAuth,
		}})
	}
	return out
}

// Log writes each message to the service log.
type Log struct{ Logger *slog.Logger }

// Notify implements Notifier.
func (l *Log) Notify(ctx context.Context, m Message) error {
	l.Logger.InfoContext(ctx, "Notification", "subject", m.Subject, "to", m.Names(), "text", m.Text)
	return nil
}

// Fanout delivers a message to channels, retrying each with exponential
// backoff. Zero fields take the defaults noted.
type Fanout struct {
	Channels []Channel
	Attempts int           // tries per channel; 3
	Backoff  time.Duration // first wait, doubled each retry; 2s
	Timeout  time.Duration // per try; 15s
	// Sleep waits between tries; tests replace it so they never sleep.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Outcome is what happened on one channel.
type Outcome struct {
	Channel  string
	Attempts int
	Err      error
}

// Names lists the channel names.
func (f *Fanout) Names() []string {
	out := make([]string, len(f.Channels))
	for i, c := range f.Channels {
		out[i] = c.Name
	}
	return out
}

// Send delivers m on every channel and reports each outcome.
func (f *Fanout) Send(ctx context.Context, m Message) []Outcome {
	out := make([]Outcome, 0, len(f.Channels))
	for _, c := range f.Channels {
		n, err := f.Deliver(ctx, c.Name, m)
		out = append(out, Outcome{Channel: c.Name, Attempts: n, Err: err})
	}
	return out
}

// Deliver sends m on the named channel, retrying; it returns the number of
// tries and the last error. A panicking notifier counts as a failed try.
func (f *Fanout) Deliver(ctx context.Context, channel string, m Message) (int, error) {
	var n Notifier
	for _, c := range f.Channels {
		if c.Name == channel {
			n = c.Notifier
		}
	}
	if n == nil {
		return 0, fmt.Errorf("notify: 未配置通道 %q", channel)
	}
	attempts, backoff, timeout := f.Attempts, f.Backoff, f.Timeout
	if attempts <= 0 {
		attempts = 3
	}
	if backoff <= 0 {
		backoff = 2 * time.Second
	}
	if timeout <= 0 {
		timeout = 15 * time.Second
	}
	sleep := f.Sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	var err error
	for i := 1; i <= attempts; i++ {
		if err = try(ctx, n, m, timeout); err == nil {
			return i, nil
		}
		if i == attempts || ctx.Err() != nil {
			return i, err
		}
		if serr := sleep(ctx, backoff); serr != nil {
			return i, err
		}
		backoff *= 2
	}
	return attempts, err
}

func try(ctx context.Context, n Notifier, m Message, timeout time.Duration) (err error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("notify: panic: %v", r)
		}
	}()
	return n.Notify(ctx, m)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// errResponse wraps a robot's non-zero errcode.
var errResponse = errors.New("notify: robot refused the message")

// ChannelLabel names a channel for staff.
func ChannelLabel(name string) string {
	switch {
	case name == "log":
		return "日志"
	case name == "email":
		return "邮件"
	case name == "webhook":
		return "群机器人"
	case strings.HasPrefix(name, "wecom"):
		return "企业微信群" + strings.TrimPrefix(name, "wecom")
	case strings.HasPrefix(name, "dingtalk"):
		return "钉钉群" + strings.TrimPrefix(name, "dingtalk")
	}
	return name
}

// UndeliveredText says that a job's messages did not arrive: the latest
// failure (its period, channel and error) and how many are failed in all.
func UndeliveredText(period, channel, errMsg string, count int) string {
	msg, _, _ := strings.Cut(errMsg, "\n")
	s := fmt.Sprintf("通知未送达（%s，%s）：%s", period, ChannelLabel(channel), msg)
	if count > 1 {
		s += fmt.Sprintf("（共 %d 条未送达）", count)
	}
	return s
}
