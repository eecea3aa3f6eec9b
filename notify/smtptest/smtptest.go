// Package smtptest is a local SMTP listener for tests: it accepts every
// well-formed message and keeps its envelope and data, so a test can assert
// what arrived and at which addresses. Like a real submission server it
// refuses a malformed MAIL FROM (501), can speak STARTTLS or implicit TLS
// with a certificate of its own, and takes a password only over TLS.
package smtptest

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Mode is how the server offers TLS.
type Mode int

const (
	Plain    Mode = iota // no TLS
	StartTLS             // plain greeting, STARTTLS offered (port 587 or 25)
	Implicit             // TLS from the first byte (port 465)
)

// Options configure a server; the zero value is a plain server without AUTH.
type Options struct {
	TLS Mode
	// Username and Password, if set, are required (AUTH PLAIN, offered only over TLS).
	Username, Password string
}

// Server listens on 127.0.0.1 until the test ends.
type Server struct {
	ln   net.Listener
	opt  Options
	tls  *tls.Config
	pool *x509.CertPool
	mu   sync.Mutex
	mail []Mail
	log  []string
}

// Mail is one message as received.
type Mail struct {
	From string
	To   []string // the envelope's RCPT TO addresses, in order
	Data string   // headers and body, CRLF line ends, without the final dot
	TLS  bool     // the message came over TLS
	User string   // who authenticated, if anyone
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

// Start listens on a free local port without TLS; the listener closes when tb ends.
func Start(tb testing.TB) *Server { return StartWith(tb, Options{}) }

// StartWith listens with opt.
func StartWith(tb testing.TB, opt Options) *Server {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s := &Server{ln: ln, opt: opt}
	if opt.TLS != Plain {
		s.tls, s.pool = certificate(tb)
	}
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

// certificate is the TLS configuration of a server with a KeyPair.
func certificate(tb testing.TB) (*tls.Config, *x509.CertPool) {
	certPEM, keyPEM, pool := KeyPair(tb)
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		tb.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}}, pool
}

// KeyPair makes a self-signed certificate for 127.0.0.1 and localhost, as
// PEM for a server of another process, and a pool that trusts it.
func KeyPair(tb testing.TB) (certPEM, keyPEM []byte, pool *x509.CertPool) {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "smtptest"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, IsCA: true, BasicConstraintsValid: true,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		tb.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), pool
}

// RootCAs trusts the server's certificate; nil for a plain server.
func (s *Server) RootCAs() *x509.CertPool { return s.pool }

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

// Commands returns every command line received so far (AUTH lines included),
// so a test can check that no password crossed the wire in clear.
func (s *Server) Commands() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string{}, s.log...)
}

// mailFrom is RFC 5321's reverse-path: <addr> (or <>) and optional parameters.
var mailFrom = regexp.MustCompile(`^(?i)MAIL FROM:<([^<>\s"]*)>( [ -~]*)?$`)

func (s *Server) serve(c net.Conn) {
	defer func() { c.Close() }()
	secure := false
	if s.opt.TLS == Implicit {
		tc := tls.Server(c, s.tls)
		if err := tc.Handshake(); err != nil {
			return
		}
		c, secure = tc, true
	}
	r := bufio.NewReader(c)
	say := func(line string) { io.WriteString(c, line+"\r\n") }
	say("220 test ESMTP")
	var m Mail
	user := ""
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.TrimRight(line, "\r\n")
		s.mu.Lock()
		s.log = append(s.log, cmd)
		s.mu.Unlock()
		upper := strings.ToUpper(cmd)
		switch {
		case strings.HasPrefix(upper, "EHLO"), strings.HasPrefix(upper, "HELO"):
			say("250-test")
			if s.opt.TLS == StartTLS && !secure {
				say("250-STARTTLS")
			}
			if s.opt.Username != "" && secure {
				say("250-AUTH PLAIN")
			}
			say("250 8BITMIME")
		case upper == "STARTTLS" && s.opt.TLS == StartTLS && !secure:
			say("220 ready to start TLS")
			tc := tls.Server(c, s.tls)
			if err := tc.Handshake(); err != nil {
				return
			}
			c, secure, r = tc, true, bufio.NewReader(tc)
		case strings.HasPrefix(upper, "AUTH PLAIN"):
			if !secure {
				say("538 5.7.11 Encryption required for requested authentication mechanism")
				continue
			}
			raw, _ := base64.StdEncoding.DecodeString(strings.TrimSpace(cmd[len("AUTH PLAIN"):]))
			parts := strings.Split(string(raw), "\x00")
			if len(parts) != 3 || parts[1] != s.opt.Username || parts[2] != s.opt.Password {
				say("535 5.7.8 Authentication credentials invalid")
				continue
			}
			user = parts[1]
			say("235 2.7.0 Authentication successful")
		case strings.HasPrefix(upper, "MAIL FROM:"):
			if s.opt.Username != "" && user == "" {
				say("530 5.7.0 Authentication required")
				continue
			}
			sub := mailFrom.FindStringSubmatch(cmd)
			if sub == nil {
				say("501 5.1.7 Bad sender address syntax")
				continue
			}
			m = Mail{From: sub[1], TLS: secure, User: user}
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
				b.WriteString(strings.TrimPrefix(l, ".")) // dot-stuffing
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
