package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds vorgang once per test run, so the serve tests exercise the
// real program: flags, signals, exit codes.
func binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "vorgang-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "vorgang")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = err
			binPath = string(out)
		}
	})
	if buildErr != nil {
		t.Fatalf("build vorgang: %v\n%s", buildErr, binPath)
	}
	return binPath
}

// adminToken creates the administrator name with an API token in the data
// folder data by the real program (run in dir) and returns the token.
func adminToken(t testing.TB, dir, data, name string) string {
	t.Helper()
	cmd := exec.Command(binary(t), "user", "create", name, "--role", "admin", "--token", "--data", data)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("vorgang user create: %v\n%s", err, out)
	}
	token := regexp.MustCompile(`vg_\S+`).FindString(string(out))
	if token == "" {
		t.Fatalf("no token in:\n%s", out)
	}
	return token
}

// server is a running vorgang process whose JSON log lines are collected.
type server struct {
	cmd   *exec.Cmd
	addr  string
	mu    sync.Mutex
	lines []map[string]any
	done  chan error
}

// serverStartTimeout is how long startServer waits for the listener; a
// benchmark on a large store may give it longer (its start-up enforces
// retention over every ticket first).
var serverStartTimeout = 60 * time.Second

func startServer(t testing.TB, dir string, args ...string) *server {
	t.Helper()
	return startServerUnder(t, dir, nil, args...)
}

// startServerUnder starts vorgang serve as the last arguments of wrapper
// (e.g. a shell that sets resource limits first); nil: directly.
func startServerUnder(t testing.TB, dir string, wrapper []string, args ...string) *server {
	t.Helper()
	argv := append(append(wrapper[:len(wrapper):len(wrapper)], binary(t), "serve", "--addr", "127.0.0.1:0", "--log-format", "json"), args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "VORGANG_MONGO_URI=")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, done: make(chan error, 1)}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			var rec map[string]any
			if json.Unmarshal(sc.Bytes(), &rec) != nil {
				rec = map[string]any{"msg": sc.Text()}
			}
			s.mu.Lock()
			s.lines = append(s.lines, rec)
			s.mu.Unlock()
			if rec["msg"] == "listening" {
				addr <- rec["addr"].(string)
			}
		}
		s.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
		}
	})
	select {
	case s.addr = <-addr:
		return s
	case err := <-s.done:
		t.Fatalf("vorgang exited before listening: %v\n%s", err, s.log())
	case <-time.After(serverStartTimeout):
		t.Fatalf("vorgang did not start listening\n%s", s.log())
	}
	return nil
}

func (s *server) log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	for _, l := range s.lines {
		j, _ := json.Marshal(l)
		b.Write(j)
		b.WriteByte('\n')
	}
	return b.String()
}

// record returns the first log record with the message, or nil.
func (s *server) record(msg string) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range s.lines {
		if l["msg"] == msg {
			return l
		}
	}
	return nil
}

// awaitRecord waits for the first log record with the message, for work
// the server does in the background after it listens.
func (s *server) awaitRecord(t *testing.T, msg string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(serverStartTimeout)
	for {
		if rec := s.record(msg); rec != nil {
			return rec
		}
		if time.Now().After(deadline) {
			t.Fatalf("vorgang did not log %q\n%s", msg, s.log())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop sends SIGINT, as Ctrl-C does, and returns the exit error.
func (s *server) stop(t *testing.T) error {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-s.done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatalf("vorgang did not stop after SIGINT\n%s", s.log())
	}
	return nil
}

type health struct {
	Status string `json:"status"`
	Store  struct {
		Reachable bool   `json:"reachable"`
		Mode      string `json:"mode"`
	} `json:"store"`
	Catalog struct {
		Hash        string `json:"hash"`
		Definitions int    `json:"definitions"`
	} `json:"catalog"`
}

func (s *server) health(t *testing.T) health {
	t.Helper()
	resp, err := http.Get("http://" + s.addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /healthz: %d %s", resp.StatusCode, body)
	}
	var h health
	if err := json.Unmarshal(body, &h); err != nil {
		t.Fatalf("GET /healthz: %v: %s", err, body)
	}
	return h
}

func TestServeStartsStopsAndReusesData(t *testing.T) {
	dir := t.TempDir() // no definition folders: the built-in desks are served

	first := startServer(t, dir)
	h := first.health(t)
	if h.Status != "ok" || !h.Store.Reachable || h.Store.Mode != "embedded" || h.Catalog.Definitions == 0 {
		t.Fatalf("health = %+v", h)
	}
	if st, err := os.Stat(filepath.Join(dir, "data")); err != nil || !st.IsDir() {
		t.Fatalf("./data not created: %v", err)
	}
	created := first.record("store opened")["instance_created_at"]
	if err := first.stop(t); err != nil {
		t.Fatalf("exit after SIGINT: %v\n%s", err, first.log())
	}

	second := startServer(t, dir)
	if got := second.health(t); got.Catalog.Hash != h.Catalog.Hash {
		t.Errorf("catalog hash changed between starts: %s → %s", h.Catalog.Hash, got.Catalog.Hash)
	}
	if again := second.record("store opened")["instance_created_at"]; again != created || created == nil {
		t.Errorf("second start did not reuse ./data: instance created %v, then %v", created, again)
	}
	if err := second.stop(t); err != nil {
		t.Fatalf("exit after SIGINT: %v", err)
	}
}

func TestServeRefusesInvalidDefinitions(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "processes", "roles.yaml"), "apiVersion: vorgang/v1\nkind: Role\nid: Clerk\ntitle: Sachbearbeitung\n")
	cmd := exec.Command(binary(t), "serve", "--addr", "127.0.0.1:0")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 1 {
		t.Fatalf("want exit code 1, got %v\n%s", err, out)
	}
	for _, want := range []string{"processes/roles.yaml:3:5: id: 'Clerk' is not a valid id", "refusing to start"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "data")); err == nil {
		t.Error("the store was opened although the definitions are invalid")
	}
}

func TestServeWatchReloadsValidChangesOnly(t *testing.T) {
	dir := t.TempDir()
	role := filepath.Join(dir, "processes", "roles.yaml")
	writeFile(t, role, "apiVersion: vorgang/v1\nkind: Role\nid: clerk\ntitle: Sachbearbeitung\n")
	s := startServer(t, dir, "--watch", "--watch-interval", "50ms")
	before := s.health(t).Catalog

	// An invalid change is refused; the running catalog keeps serving.
	writeFile(t, role, "apiVersion: vorgang/v1\nkind: Role\nid: clerk\ntitel: Sachbearbeitung\n")
	waitFor(t, s, "definitions not reloaded: the change is invalid, the previous definitions stay in service")
	if got := s.health(t).Catalog; got.Hash != before.Hash {
		t.Fatalf("invalid change replaced the catalog: %s → %s", before.Hash, got.Hash)
	}
	if rec := s.record("definition problem"); rec == nil || !strings.Contains(rec["message"].(string), "unknown key 'titel'") {
		t.Errorf("the refused change's problem was not logged: %v", rec)
	}

	// A valid change is swapped in.
	writeFile(t, filepath.Join(dir, "processes", "team.yaml"), "apiVersion: vorgang/v1\nkind: Team\nid: office\ntitle: Bürgerbüro\nroles: [clerk]\n")
	writeFile(t, role, "apiVersion: vorgang/v1\nkind: Role\nid: clerk\ntitle: Sachbearbeitung\n")
	waitFor(t, s, "definitions reloaded")
	after := s.health(t).Catalog
	if after.Hash == before.Hash || after.Definitions != 2 {
		t.Fatalf("catalog after valid change = %+v, before %+v", after, before)
	}
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
}

func waitFor(t *testing.T, s *server, msg string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if s.record(msg) != nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no log record %q\n%s", msg, s.log())
}
