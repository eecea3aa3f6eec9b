// Package smtptest is a minimal local SMTP listener for tests: it accepts
// every message and keeps its envelope and data, so a test can assert what
// arrived and at which addresses.
package smtptest

import (
	"bufio"
	"encoding/base64"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Server listens on 127.0.0.1 until the test ends.
type Server struct {
	ln   net.Listener
	mu   sync.Mutex
	mail []Mail
}

// Mail is one message as received.
type Mail struct {
	From string
	To   []string // the envelope's RCPT TO addresses, in order
	Data string   // headers and body, CRLF line ends, without the final dot
}

// Header returns the message's headers.
func (m Mail) Header() string {
	h, _, _ := strings.Cut(m.Data, "\r\n\r\n")
	return h
}

// Text returns the body decoded from base64, as the notifier sends it, with
// surrounding space trimmed.
func (m Mail) Text() (string, error) {
	_, body, _ := strings.Cut(m.Data, "\r\n\r\n")
	b, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(body, "\r\n", ""))
	return strings.TrimSpace(string(b)), err
}

// Start listens on a free local port; the listener closes when tb ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s := &Server{ln: ln}
	tb.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

// Host is the listener's address, 127.0.0.1.
func (s *Server) Host() string {
	host, _, _ := net.SplitHostPort(s.ln.Addr().String())
	return host
}

// Port is the listener's port.
func (s *Server) Port() int {
	_, port, _ := net.SplitHostPort(s.ln.Addr().String())
	p, _ := strconv.Atoi(port)
	return p
}

// Addr is host:port.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Received returns the messages received so far, in order.
func (s *Server) Received() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail{}, s.mail...)
}

func (s *Server) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(line string) { io.WriteString(c, line+"\r\n") }
	say("220 test ESMTP")
	var m Mail
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.TrimRight(line, "\r\n")
		upper := strings.ToUpper(cmd)
		switch {
		case strings.HasPrefix(upper, "EHLO"), strings.HasPrefix(upper, "HELO"):
			say("250-test")
			say("250 8BITMIME")
		case strings.HasPrefix(upper, "MAIL FROM:"):
			addr, _, _ := strings.Cut(strings.TrimSpace(cmd[len("MAIL FROM:"):]), " ") // drop BODY=8BITMIME
			m = Mail{From: strings.Trim(addr, "<>")}
			say("250 ok")
		case strings.HasPrefix(upper, "RCPT TO:"):
			m.To = append(m.To, strings.Trim(cmd[len("RCPT TO:"):], "<> "))
			say("250 ok")
		case upper == "DATA":
			say("354 go ahead")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			m.Data = b.String()
			s.mu.Lock()
			s.mail = append(s.mail, m)
			s.mu.Unlock()
			say("250 queued")
		case upper == "QUIT":
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}
