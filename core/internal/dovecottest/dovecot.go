// Package dovecottest starts a real IMAP server (Debian's dovecot) for a
// test: on a free loopback port, with its mail and state in a folder of
// its own, one user from a passwd-file, and plain IMAP (no TLS: the
// traffic never leaves the loopback interface). A few raw IMAP commands
// let a test put messages into the mailbox and count what is where,
// without the client library the code under test uses.
package dovecottest

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// DovecotPath is Debian's dovecot (package dovecot-imapd).
const DovecotPath = "/usr/sbin/dovecot"

// User and Password are the mailbox account every server has.
const (
	User     = "desk"
	Password = "desk-pw"
)

// Server is a running dovecot.
type Server struct {
	Host string
	Port int

	dir  string
	conf string
	cmd  *exec.Cmd
	done chan struct{}
	log  *bytes.Buffer
}

// Options configure Start.
type Options struct {
	// NoMove hides the MOVE extension, as some servers lack it.
	NoMove bool
	// NoIdle hides the IDLE extension, as some servers lack it.
	NoIdle bool
	// XOAUTH2 offers SASL XOAUTH2 and OAUTHBEARER besides PLAIN and
	// LOGIN. dovecot checks the bearer token as the user's password (the
	// passdb's), so Password is the token a test signs in with.
	XOAUTH2 bool
}

// Require fails the test when dovecot is missing in CI (the CI variable is
// set), and skips it elsewhere: CI must not turn a missing server into a
// green run.
func Require(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(DovecotPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing (CI must install dovecot-imapd; see .ci/run): %v", DovecotPath, err)
		}
		t.Skipf("%s is missing; install dovecot-imapd to run this test", DovecotPath)
	}
}

// Start runs dovecot until the test ends.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	Require(t)
	// Not t.TempDir: dovecot's login and mail processes run as its own
	// users when started by root, and must reach the folders.
	dir, err := os.MkdirTemp("", "dovecottest-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	for _, d := range []string{dir, filepath.Join(dir, "run"), filepath.Join(dir, "mail")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	internal, login, uid, gid := accounts(t)
	if err := os.Chown(filepath.Join(dir, "mail"), uid, gid); err != nil {
		t.Fatal(err)
	}
	passwd := filepath.Join(dir, "passwd")
	if err := os.WriteFile(passwd, []byte(User+":{PLAIN}"+Password+"::::::\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	mechanisms := "plain login"
	if o.XOAUTH2 {
		mechanisms += " xoauth2 oauthbearer"
	}
	capability := ""
	if o.NoMove || o.NoIdle {
		// The capabilities a client sees after login; without MOVE or
		// IDLE when asked.
		caps := "IMAP4rev1 SASL-IR LITERAL+ UIDPLUS CHILDREN NAMESPACE"
		if !o.NoMove {
			caps += " MOVE"
		}
		if !o.NoIdle {
			caps += " IDLE"
		}
		capability = "imap_capability = " + caps + "\n"
	}
	conf := fmt.Sprintf(`protocols = imap
listen = 127.0.0.1
base_dir = %[1]s/run
state_dir = %[1]s/state
log_path = %[1]s/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = %[9]s
mail_location = maildir:%[1]s/mail/%%u
first_valid_uid = 0
default_internal_user = %[2]s
default_internal_group = %[2]s
default_login_user = %[3]s
%[7]s
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%%u %[4]s
}
userdb {
  driver = static
  args = uid=%[5]d gid=%[6]d home=%[1]s/mail/%%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = %[8]d
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
service stats {
  chroot =
}
namespace inbox {
  inbox = yes
  separator = /
}
`, dir, internal, login, passwd, uid, gid, capability, port, mechanisms)
	confFile := filepath.Join(dir, "dovecot.conf")
	if err := os.WriteFile(confFile, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	s := &Server{Host: "127.0.0.1", Port: port, dir: dir, conf: confFile, log: &bytes.Buffer{}}
	s.start(t)
	t.Cleanup(func() { s.stop() })
	return s
}

// start runs dovecot on the server's configuration and waits until it
// takes logins.
func (s *Server) start(t testing.TB) {
	t.Helper()
	s.done = make(chan struct{})
	s.cmd = exec.Command(DovecotPath, "-F", "-c", s.conf)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start dovecot: %v", err)
	}
	done := s.done
	cmd := s.cmd
	go func() { _ = cmd.Wait(); close(done) }()
	s.waitReady(t)
}

// stop ends dovecot, if it runs.
func (s *Server) stop() {
	if s.cmd == nil {
		return
	}
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

// Stop stops the server: open connections break, new ones are refused,
// the mail stays.
func (s *Server) Stop(t testing.TB) {
	t.Helper()
	s.stop()
}

// Restart starts a stopped server again, on the same port and mail.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.start(t)
}

// accounts are the users dovecot's processes run as: its own when started
// by root (it refuses to run its login process as root), else whoever
// runs the test.
func accounts(t testing.TB) (internal, login string, uid, gid int) {
	t.Helper()
	if os.Getuid() != 0 {
		u, err := user.Current()
		if err != nil {
			t.Fatal(err)
		}
		return u.Username, u.Username, os.Getuid(), os.Getgid()
	}
	u, err := user.Lookup("dovecot")
	if err != nil {
		t.Fatalf("dovecot's system user is missing (is dovecot-core installed?): %v", err)
	}
	uid, _ = strconv.Atoi(u.Uid)
	gid, _ = strconv.Atoi(u.Gid)
	return "dovecot", "dovenull", uid, gid
}

// waitReady waits until a login succeeds.
func (s *Server) waitReady(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := s.dial()
		if err == nil {
			c.close()
			return
		}
		select {
		case <-s.done:
			t.Fatalf("dovecot exited: %s\n%s", s.log, s.Log())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("dovecot did not accept a login: %v\n%s", err, s.Log())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Log is dovecot's log so far.
func (s *Server) Log() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "dovecot.log"))
	return string(b)
}

// Append puts a message into folder (created when missing).
func (s *Server) Append(t testing.TB, folder string, msg []byte) {
	t.Helper()
	c, err := s.dial()
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	_, _ = c.cmd("CREATE " + quote(folder)) // exists already: fine
	msg = bytes.ReplaceAll(bytes.ReplaceAll(msg, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n"))
	if _, err := c.literal("APPEND "+quote(folder)+" ()", msg); err != nil {
		t.Fatalf("append to %s: %v", folder, err)
	}
}

// Count is the number of messages in folder; 0 when it does not exist.
func (s *Server) Count(t testing.TB, folder string) int {
	t.Helper()
	c, err := s.dial()
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	lines, err := c.cmd("STATUS " + quote(folder) + " (MESSAGES)")
	if err != nil {
		return 0
	}
	for _, l := range lines {
		if i := strings.Index(l, "(MESSAGES "); i >= 0 {
			n, _ := strconv.Atoi(strings.TrimRight(l[i+len("(MESSAGES "):], ")"))
			return n
		}
	}
	t.Fatalf("STATUS %s: no count in %q", folder, lines)
	return 0
}

// Flagged is the number of messages in folder that carry flag (a system
// flag such as \Seen or a keyword).
func (s *Server) Flagged(t testing.TB, folder, flag string) int {
	t.Helper()
	c, err := s.dial()
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	if _, err := c.cmd("EXAMINE " + quote(folder)); err != nil {
		t.Fatalf("examine %s: %v", folder, err)
	}
	search := "KEYWORD " + flag
	if strings.HasPrefix(flag, `\`) {
		search = strings.ToUpper(strings.TrimPrefix(flag, `\`))
	}
	lines, err := c.cmd("SEARCH " + search)
	if err != nil {
		t.Fatalf("search %s: %v", flag, err)
	}
	for _, l := range lines {
		if strings.HasPrefix(l, "* SEARCH") {
			return len(strings.Fields(l)) - 2
		}
	}
	return 0
}

// conn is a raw IMAP connection, logged in.
type conn struct {
	c   net.Conn
	r   *bufio.Reader
	tag int
}

func (s *Server) dial() (*conn, error) {
	nc, err := net.DialTimeout("tcp", net.JoinHostPort(s.Host, strconv.Itoa(s.Port)), 5*time.Second)
	if err != nil {
		return nil, err
	}
	_ = nc.SetDeadline(time.Now().Add(30 * time.Second))
	c := &conn{c: nc, r: bufio.NewReader(nc)}
	if _, err := c.r.ReadString('\n'); err != nil { // greeting
		nc.Close()
		return nil, err
	}
	if _, err := c.cmd("LOGIN " + quote(User) + " " + quote(Password)); err != nil {
		nc.Close()
		return nil, err
	}
	return c, nil
}

func (c *conn) close() {
	_, _ = c.cmd("LOGOUT")
	c.c.Close()
}

// cmd sends one command and returns its untagged lines, or an error when
// it does not end OK.
func (c *conn) cmd(line string) ([]string, error) {
	c.tag++
	tag := "t" + strconv.Itoa(c.tag)
	if _, err := fmt.Fprintf(c.c, "%s %s\r\n", tag, line); err != nil {
		return nil, err
	}
	return c.result(tag)
}

// literal sends a command whose last argument is data, as a non-waiting
// literal (LITERAL+).
func (c *conn) literal(line string, data []byte) ([]string, error) {
	c.tag++
	tag := "t" + strconv.Itoa(c.tag)
	if _, err := fmt.Fprintf(c.c, "%s %s {%d+}\r\n", tag, line, len(data)); err != nil {
		return nil, err
	}
	if _, err := c.c.Write(append(data, '\r', '\n')); err != nil {
		return nil, err
	}
	return c.result(tag)
}

func (c *conn) result(tag string) ([]string, error) {
	var lines []string
	for {
		l, err := c.r.ReadString('\n')
		if err != nil {
			return lines, err
		}
		l = strings.TrimRight(l, "\r\n")
		if strings.HasPrefix(l, tag+" ") {
			if strings.HasPrefix(l, tag+" OK") {
				return lines, nil
			}
			return lines, fmt.Errorf("%s", l)
		}
		lines = append(lines, l)
	}
}

func quote(s string) string { return strconv.Quote(s) }

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
