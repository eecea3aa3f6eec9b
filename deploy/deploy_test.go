// Package deploy holds the files docs/deploy.md installs: systemd units and
// nginx sites. Its tests check them with the real tools, so a file that
// nginx or systemd would refuse is found before an administrator finds it.
package deploy

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tool finds a command; without it the test skips, unless ZHIBAN_DEPLOY_TOOLS
// is set (CI with nginx and systemd installed), where a missing tool fails.
func tool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	for _, dir := range []string{"/usr/sbin", "/sbin"} {
		if p := filepath.Join(dir, name); isExecutable(p) {
			return p
		}
	}
	if os.Getenv("ZHIBAN_DEPLOY_TOOLS") != "" {
		t.Fatalf("%s is missing (apt-get install nginx-light systemd)", name)
	}
	t.Skipf("%s is not installed; set ZHIBAN_DEPLOY_TOOLS to require it", name)
	return ""
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode()&0o111 != 0
}

// TestNginxSites runs "nginx -t" on each site inside a minimal main
// configuration, with the certificate and cache paths moved to a temporary
// directory: everything else is checked as installed.
func TestNginxSites(t *testing.T) {
	nginx := tool(t, "nginx")
	for _, site := range []string{"nginx.conf", "nginx-ha.conf"} {
		t.Run(site, func(t *testing.T) {
			dir := t.TempDir()
			cert, key := selfSigned(t, dir)
			body, err := os.ReadFile(site)
			if err != nil {
				t.Fatal(err)
			}
			// nginx -t binds the listen addresses: free loopback ports instead
			// of 80 and 443, which need root and may be taken.
			conf := strings.NewReplacer(
				"/etc/ssl/zhiban/fullchain.pem", cert,
				"/etc/ssl/zhiban/privkey.pem", key,
				"/var/cache/nginx/zhiban", filepath.Join(dir, "cache"),
				"listen 80;", "listen "+freePort(t)+";",
				"listen 443 ", "listen "+freePort(t)+" ",
				"listen [::]:80;", "",
				"listen [::]:443 ssl http2;", "",
			).Replace(string(body))
			for _, p := range []string{"/etc/ssl/zhiban", "/var/cache/nginx", "listen 80", "listen 443", "[::]"} {
				if strings.Contains(conf, p) {
					t.Fatalf("%s uses %s in a way this test does not move", site, p)
				}
			}
			if err := os.WriteFile(filepath.Join(dir, "site.conf"), []byte(conf), 0o644); err != nil {
				t.Fatal(err)
			}
			temps := ""
			for _, k := range []string{"client_body", "proxy", "fastcgi", "uwsgi", "scgi"} {
				temps += k + "_temp_path " + filepath.Join(dir, "tmp-"+k) + ";\n"
			}
			main := "pid " + filepath.Join(dir, "nginx.pid") + ";\nerror_log stderr;\nevents {}\nhttp {\n" +
				"access_log off;\n" + temps + "include " + filepath.Join(dir, "site.conf") + ";\n}\n"
			if err := os.WriteFile(filepath.Join(dir, "main.conf"), []byte(main), 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(nginx, "-t", "-q", "-e", "stderr", "-p", dir, "-c", filepath.Join(dir, "main.conf")).CombinedOutput()
			if err != nil {
				t.Fatalf("nginx -t refuses %s: %v\n%s", site, err, out)
			}
		})
	}
}

// TestSystemdUnits runs "systemd-analyze verify" on the single-machine unit
// and on an instance of the replica template; any complaint about the unit
// fails (verify only warns about unknown keys). ExecStart's binary is
// replaced by an executable that exists here.
func TestSystemdUnits(t *testing.T) {
	analyze := tool(t, "systemd-analyze")
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ file, instance string }{
		{"zhiban.service", "zhiban.service"},
		{"zhiban@.service", "zhiban@8081.service"},
	} {
		t.Run(c.instance, func(t *testing.T) {
			dir := t.TempDir()
			body, err := os.ReadFile(c.file)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(body), "ExecStart=/usr/local/bin/zhiban serve ") {
				t.Fatalf("%s: ExecStart does not run /usr/local/bin/zhiban serve", c.file)
			}
			unit := strings.ReplaceAll(string(body), "/usr/local/bin/zhiban", self)
			if err := os.WriteFile(filepath.Join(dir, c.file), []byte(unit), 0o644); err != nil {
				t.Fatal(err)
			}
			if c.instance != c.file {
				if err := os.Symlink(c.file, filepath.Join(dir, c.instance)); err != nil {
					t.Fatal(err)
				}
			}
			out, err := exec.Command(analyze, "verify", filepath.Join(dir, c.instance)).CombinedOutput()
			if err != nil || strings.Contains(string(out), c.file) {
				t.Fatalf("systemd-analyze verify %s: %v\n%s", c.instance, err, out)
			}
		})
	}
}

// freePort is a loopback address with a port nothing listens on now.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// selfSigned writes a throwaway certificate and key for nginx -t to load.
func selfSigned(t *testing.T, dir string) (cert, key string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "zhiban.example.gov.cn"},
		DNSNames:     []string{"zhiban.example.gov.cn"},
		NotBefore:    time.Unix(0, 0),
		NotAfter:     time.Unix(0, 0).AddDate(200, 0, 0),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	cert, key = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	return cert, key
}
