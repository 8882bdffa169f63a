package notify_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// received is one mail as the test server got it.
type received struct {
	From, To  string
	MessageID string
	Subject   string
	Raw       []byte
}

// mailServer is a real SMTP server inside the test: it keeps what it
// receives, can refuse addresses, require a login, and be stopped and
// started again on the same address.
type mailServer struct {
	t    *testing.T
	addr string
	tls  *tls.Config
	user string
	pass string

	mu     sync.Mutex
	mails  []received
	refuse map[string]bool
	// refuseFrom refuses these envelope senders (a relay that only takes
	// its own domain's).
	refuseFrom map[string]bool
	srv        *smtp.Server
	ln         net.Listener
}

func newMailServer(t *testing.T) *mailServer {
	t.Helper()
	m := &mailServer{t: t, refuse: map[string]bool{}, refuseFrom: map[string]bool{}}
	m.start("127.0.0.1:0")
	t.Cleanup(m.stop)
	return m
}

func (m *mailServer) start(addr string) {
	m.t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		m.t.Fatal(err)
	}
	srv := smtp.NewServer(m)
	srv.Domain = "localhost"
	srv.TLSConfig = m.tls
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.ErrorLog = quietLog{}
	m.mu.Lock()
	m.srv, m.ln, m.addr = srv, ln, ln.Addr().String()
	m.mu.Unlock()
	go func() { _ = srv.Serve(ln) }()
}

func (m *mailServer) stop() {
	m.mu.Lock()
	srv, ln := m.srv, m.ln
	m.mu.Unlock()
	// Close the listener too: Serve may not have registered it with the
	// server yet.
	_ = ln.Close()
	_ = srv.Close()
}

// restart listens again on the address it had.
func (m *mailServer) restart() { m.start(m.addr) }

func (m *mailServer) received() []received {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]received(nil), m.mails...)
}

// NewSession implements smtp.Backend.
func (m *mailServer) NewSession(*smtp.Conn) (smtp.Session, error) { return &serverSession{m: m}, nil }

type serverSession struct {
	m      *mailServer
	from   string
	to     []string
	authed bool
}

func (s *serverSession) AuthMechanisms() []string {
	if s.m.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *serverSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != s.m.user || pass != s.m.pass {
			return errors.New("invalid credentials")
		}
		s.authed = true
		return nil
	}), nil
}

func (s *serverSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.m.user != "" && !s.authed {
		return smtp.ErrAuthRequired
	}
	s.m.mu.Lock()
	refused := s.m.refuseFrom[from]
	s.m.mu.Unlock()
	if refused {
		return &smtp.SMTPError{Code: 553, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "sender address not allowed"}
	}
	s.from = from
	return nil
}

func (s *serverSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	if s.m.refuse[to] {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
	}
	s.to = append(s.to, to)
	return nil
}

func (s *serverSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	for _, to := range s.to {
		s.m.mails = append(s.m.mails, received{From: s.from, To: to, MessageID: msg.Header.Get("Message-ID"), Subject: subject, Raw: raw})
	}
	return nil
}

func (s *serverSession) Reset()        { s.from, s.to = "", nil }
func (s *serverSession) Logout() error { return nil }

type quietLog struct{}

func (quietLog) Printf(string, ...any) {}
func (quietLog) Println(...any)        {}

// selfSigned returns a server certificate for 127.0.0.1 and a pool that
// trusts it.
func selfSigned(t *testing.T) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "vorgang test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, pool
}

// parts returns the decoded text and HTML parts of a received mail.
func (r received) parts(t *testing.T) (text, html string) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(r.Raw))
	if err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return text, html
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		if strings.HasPrefix(p.Header.Get("Content-Type"), "text/html") {
			html = string(b)
		} else {
			text = string(b)
		}
	}
}
