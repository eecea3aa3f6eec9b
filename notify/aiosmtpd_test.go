package notify_test

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"zhiban/notify"
	"zhiban/notify/smtptest"
)

// syncBuffer collects a process's output while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// aiosmtpd starts Python's aiosmtpd, a real SMTP server process, on a free
// port with TLS flags, storing mail in a maildir (with X-MailFrom and
// X-RcptTo from the envelope); it returns the port, the maildir and its output.
func aiosmtpd(t *testing.T, python string, flags ...string) (int, string, *syncBuffer) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	maildir := filepath.Join(t.TempDir(), "mail")
	args := append([]string{"-u", "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:" + strconv.Itoa(port)}, flags...)
	args = append(args, "-c", "aiosmtpd.handlers.Mailbox", maildir)
	cmd := exec.Command(python, args...)
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if c, err := net.Dial("tcp", ln.Addr().String()); err == nil {
			c.Close()
			return port, maildir, out
		}
		if time.Now().After(deadline) {
			t.Fatalf("aiosmtpd did not start:\n%s", out.String())
		}
	}
}

// TestSMTPAgainstAiosmtpd sends through a real SMTP server process over
// STARTTLS (which it requires) and over implicit TLS. ZHIBAN_AIOSMTPD names
// the Python that has aiosmtpd (.ci/run installs python3-aiosmtpd).
func TestSMTPAgainstAiosmtpd(t *testing.T) {
	python := os.Getenv("ZHIBAN_AIOSMTPD")
	if python == "" {
		t.Skip("ZHIBAN_AIOSMTPD is not set")
	}
	dir := t.TempDir()
	certPEM, keyPEM, pool := smtptest.KeyPair(t)
	cert, key := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(cert, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(key, keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		mode  string
		flags []string
	}{
		{"STARTTLS", notify.TLSAuto, []string{"--tlscert", cert, "--tlskey", key}},
		{"implicit TLS", notify.TLSImplicit, []string{"--smtpscert", cert, "--smtpskey", key}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			port, maildir, out := aiosmtpd(t, python, tt.flags...)
			s := &notify.SMTP{Host: "127.0.0.1", Port: port, From: "示例县群众工作部 <zhiban@example.gov.cn>",
				Office: []string{"office@example.gov.cn"}, TLS: tt.mode, RootCAs: pool}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			if err := s.Notify(ctx, msg); err != nil {
				t.Fatalf("%v\n%s", err, out.String())
			}
			files, _ := filepath.Glob(filepath.Join(maildir, "new", "*"))
			if len(files) != 1 {
				t.Fatalf("%d mails stored:\n%s", len(files), out.String())
			}
			stored, _ := os.ReadFile(files[0])
			for _, want := range []string{"X-MailFrom: zhiban@example.gov.cn", "X-RcptTo: office@example.gov.cn",
				"Auto-Submitted: auto-generated", "Message-ID: <", "From: =?utf-8?q?"} {
				if !bytes.Contains(stored, []byte(want)) {
					t.Errorf("stored mail lacks %q:\n%s", want, stored)
				}
			}
		})
	}
}
