// Package slapdtest starts a real OpenLDAP server (Debian's slapd) for a
// test: on free loopback ports, with its database in the test's temporary
// folder, optionally with TLS from a certificate authority made in the
// test, and loaded with the test's LDIF.
package slapdtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Paths of Debian's slapd and ldap-utils.
const (
	SlapdPath   = "/usr/sbin/slapd"
	LDAPAddPath = "/usr/bin/ldapadd"
	SchemaDir   = "/etc/ldap/schema"
	ModuleDir   = "/usr/lib/ldap"
)

// Suffix, RootDN and RootPassword are the directory's naming context and
// its administrator.
const (
	Suffix       = "dc=example,dc=org"
	RootDN       = "cn=admin,dc=example,dc=org"
	RootPassword = "admin-secret"
)

// ADSchema lets an entry carry Active Directory's userAccountControl
// (objectClass adAccount, with AD's OID for the attribute), so tests can
// give slapd a person Active Directory would call disabled
// (userAccountControl: 514).
const ADSchema = `attributetype ( 1.2.840.113556.1.4.8 NAME 'userAccountControl'
	EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
objectclass ( 1.3.6.1.4.1.32473.1.1 NAME 'adAccount' SUP top AUXILIARY
	MAY userAccountControl )
`

// Server is a running slapd.
type Server struct {
	// URL is ldap://127.0.0.1:PORT (StartTLS works on it when TLS was
	// asked for); LDAPSURL is ldaps://localhost:PORT, empty without TLS.
	URL      string
	LDAPSURL string
	// CAFile is the PEM file of the authority that signed the server's
	// certificate, empty without TLS.
	CAFile string

	cmd  *exec.Cmd
	done chan struct{}
	log  *syncBuffer
}

// Options configure Start.
type Options struct {
	// TLS makes a certificate authority and a certificate for localhost
	// and 127.0.0.1, and opens an ldaps port besides the ldap port.
	TLS bool
	// LDIF is added after the base entries (the suffix, ou=people and
	// ou=groups exist already).
	LDIF string
	// LogOperations makes slapd log every connection and operation
	// (loglevel stats), so a test can count what reached the directory
	// (Connections). It costs slapd a log line per operation.
	LogOperations bool
}

// Require fails the test when slapd or ldapadd is missing in CI (the CI
// variable is set), and skips it elsewhere: CI must not turn a missing
// server into a green run.
func Require(t testing.TB) {
	t.Helper()
	for _, p := range []string{SlapdPath, LDAPAddPath, filepath.Join(SchemaDir, "core.schema")} {
		if _, err := os.Stat(p); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is missing (CI must install slapd and ldap-utils; see .ci/run): %v", p, err)
			}
			t.Skipf("%s is missing; install slapd and ldap-utils to run this test", p)
		}
	}
}

// Start runs slapd until the test ends.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	Require(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "db")
	if err := os.Mkdir(db, 0o700); err != nil {
		t.Fatal(err)
	}
	s := &Server{done: make(chan struct{}), log: &syncBuffer{}}
	port := freePort(t)
	s.URL = fmt.Sprintf("ldap://127.0.0.1:%d", port)
	urls := s.URL + "/"
	var tlsConf string
	if o.TLS {
		caFile, certFile, keyFile := makeCertificates(t, dir)
		s.CAFile = caFile
		s.LDAPSURL = fmt.Sprintf("ldaps://localhost:%d", freePort(t))
		urls += " " + strings.Replace(s.LDAPSURL, "localhost", "127.0.0.1", 1) + "/"
		tlsConf = fmt.Sprintf("TLSCACertificateFile %s\nTLSCertificateFile %s\nTLSCertificateKeyFile %s\n", caFile, certFile, keyFile)
	}
	adSchema := filepath.Join(dir, "ad.schema")
	if err := os.WriteFile(adSchema, []byte(ADSchema), 0o600); err != nil {
		t.Fatal(err)
	}
	conf := fmt.Sprintf(`include %[1]s/core.schema
include %[1]s/cosine.schema
include %[1]s/inetorgperson.schema
include %[1]s/nis.schema
include %[9]s
modulepath %[2]s
moduleload back_mdb
pidfile %[3]s/slapd.pid
%[4]s
database mdb
suffix "%[5]s"
rootdn "%[6]s"
rootpw %[7]s
directory %[8]s
dbnosync
maxsize 16777216
index objectClass eq
index uid,mail,member eq
access to attrs=userPassword by self write by anonymous auth by * none
access to * by * read
`, SchemaDir, ModuleDir, dir, tlsConf, Suffix, RootDN, RootPassword, db, adSchema)
	confFile := filepath.Join(dir, "slapd.conf")
	if err := os.WriteFile(confFile, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	// -d keeps slapd in the foreground, so the test owns the process.
	debug := "0"
	if o.LogOperations {
		debug = "stats"
	}
	s.cmd = exec.Command(SlapdPath, "-f", confFile, "-h", urls, "-d", debug)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start slapd: %v", err)
	}
	go func() { _ = s.cmd.Wait(); close(s.done) }()
	t.Cleanup(s.Stop)
	s.waitReady(t, port)
	s.add(t, fmt.Sprintf(`dn: %[1]s
objectClass: dcObject
objectClass: organization
dc: example
o: Example

dn: ou=people,%[1]s
objectClass: organizationalUnit
ou: people

dn: ou=groups,%[1]s
objectClass: organizationalUnit
ou: groups
`, Suffix))
	if o.LDIF != "" {
		s.add(t, o.LDIF)
	}
	return s
}

// Stop ends slapd and waits for it; a stopped directory is how tests see
// a directory that is down.
func (s *Server) Stop() {
	if s.cmd.Process != nil {
		_ = s.cmd.Process.Kill()
	}
	<-s.done
}

// Connections is how many connections slapd has accepted since it
// started, the loaders' own included; it counts only with
// Options.LogOperations and is 0 without.
func (s *Server) Connections() int {
	return strings.Count(s.log.String(), " ACCEPT from ")
}

// Searches is how many search operations slapd has received since it
// started; like Connections it counts only with Options.LogOperations.
func (s *Server) Searches() int {
	return strings.Count(s.log.String(), " SRCH base=")
}

// Add loads more entries (LDIF) as the administrator.
func (s *Server) Add(t testing.TB, ldif string) { t.Helper(); s.add(t, ldif) }

func (s *Server) add(t testing.TB, ldif string) {
	t.Helper()
	cmd := exec.Command(LDAPAddPath, "-x", "-H", s.URL, "-D", RootDN, "-w", RootPassword)
	cmd.Stdin = strings.NewReader(ldif)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ldapadd: %v\n%s\nslapd log:\n%s", err, out, s.log)
	}
}

// syncBuffer is slapd's output: written by the process's copier while a
// test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitReady waits until slapd accepts connections, or fails the test when
// it exits or does not come up in a generous time.
func (s *Server) waitReady(t testing.TB, port int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			c.Close()
			return
		}
		select {
		case <-s.done:
			t.Fatalf("slapd exited:\n%s", s.log)
		case <-ctx.Done():
			t.Fatalf("slapd did not listen on %d:\n%s", port, s.log)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// freePort asks the kernel for a free loopback port. slapd binds it
// itself, so another process could take it in between; on loopback in a
// test that does not happen in practice.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// makeCertificates writes a CA and a certificate for localhost/127.0.0.1
// signed by it into dir.
func makeCertificates(t testing.TB, dir string) (caFile, certFile, keyFile string) {
	t.Helper()
	caKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "vorgang test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "localhost"},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caFile, certFile, keyFile = filepath.Join(dir, "ca.pem"), filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	for _, f := range []struct {
		path, typ string
		der       []byte
	}{{caFile, "CERTIFICATE", caDER}, {certFile, "CERTIFICATE", leafDER}, {keyFile, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(key)}} {
		if err := os.WriteFile(f.path, pem.EncodeToMemory(&pem.Block{Type: f.typ, Bytes: f.der}), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return caFile, certFile, keyFile
}
