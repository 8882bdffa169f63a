package main

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// createLoad is clients creating tickets through the API until stopped.
type createLoad struct {
	mu    sync.Mutex
	acked []string // numbers, in the order the replies came
	fails []string
	more  *sync.Cond

	stop chan struct{}
	wg   sync.WaitGroup
}

func startCreateLoad(api *crashAPI, base string, clients int) *createLoad {
	l := &createLoad{stop: make(chan struct{})}
	l.more = sync.NewCond(&l.mu)
	for c := range clients {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for i := 0; ; i++ {
				select {
				case <-l.stop:
					return
				default:
				}
				r, err := api.create(base, fmt.Sprintf("load-%d-%d", c, i))
				l.mu.Lock()
				switch {
				case err != nil:
					l.fails = append(l.fails, err.Error())
				case r.status != http.StatusCreated || r.number == "":
					l.fails = append(l.fails, fmt.Sprintf("%d %s", r.status, r.body))
				default:
					l.acked = append(l.acked, r.number)
				}
				l.more.Broadcast()
				l.mu.Unlock()
			}
		}()
	}
	return l
}

// waitAcked waits until n creates are acknowledged in all and returns
// them; it fails the test when a create fails.
func (l *createLoad) waitAcked(t *testing.T, n int) []string {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	for len(l.acked) < n && len(l.fails) == 0 {
		l.more.Wait()
	}
	if len(l.fails) > 0 {
		t.Fatalf("a create failed under load: %s", l.fails[0])
	}
	return slices.Clone(l.acked)
}

func (l *createLoad) finish() (acked, fails []string) {
	close(l.stop)
	l.wg.Wait()
	return l.acked, l.fails
}

// TestOnlineBackupUnderLoad: vorgang backup of the data folder of a
// running server while 8 clients create tickets through its API. The
// archive restores into a fresh folder with every ticket acknowledged
// before the backup started, each with an intact history; a truncated
// copy of it is refused before anything is written.
func TestOnlineBackupUnderLoad(t *testing.T) {
	t.Setenv("VORGANG_MONGO_URI", "")
	t.Setenv("VORGANG_DATA", "")
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	token := adminToken(t, dir, data, "root")
	api := &crashAPI{token: token, http: &http.Client{Timeout: 45 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 2 * crashClients}}}
	defer api.http.CloseIdleConnections()
	srv := startServer(t, dir, "--data", data)
	base := "http://" + srv.addr

	load := startCreateLoad(api, base, crashClients)
	before := load.waitAcked(t, 40)
	archive := filepath.Join(t.TempDir(), "online.tar.gz")
	var stdout, stderr bytes.Buffer
	code := run(t.Context(), []string{"backup", "--data", data, "-o", archive}, &stdout, &stderr)
	during := len(load.waitAcked(t, 0)) - len(before)
	// The load goes on after the backup: the server was not stopped.
	load.waitAcked(t, len(before)+during+8)
	acked, fails := load.finish()
	if code != 0 {
		t.Fatalf("backup of the running server: exit code %d\n%s%s", code, stdout.String(), stderr.String())
	}
	if len(fails) > 0 {
		t.Fatalf("%d creates failed under load, the first: %s", len(fails), fails[0])
	}
	t.Logf("%d tickets acknowledged before the backup, %d while it ran, %d in all; %s", len(before), during, len(acked), strings.TrimSpace(stdout.String()))

	restored := filepath.Join(t.TempDir(), "restored")
	truncated := filepath.Join(t.TempDir(), "truncated.tar.gz")
	whole, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, truncated, string(whole[:len(whole)*2/3]))
	steps := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
	}{
		{"a truncated archive is refused", []string{"restore", "--data", restored, truncated}, 1, "invalid backup archive"},
		{"restore into a fresh folder", []string{"restore", "--data", restored, archive}, 0, "restored "},
		{"every ticket acknowledged before the backup is there, intact", append([]string{"audit", "verify", "--data", restored}, before...), 0,
			fmt.Sprintf("ok: the history of %d tickets is intact", len(before))},
		{"the history of every restored ticket is intact", []string{"audit", "verify", "--data", restored}, 0, "ok: the history of "},
	}
	for _, step := range steps {
		var stdout, stderr bytes.Buffer
		code := run(t.Context(), step.args, &stdout, &stderr)
		got := stdout.String() + stderr.String()
		if code != step.wantCode || !strings.Contains(got, step.wantOut) {
			t.Fatalf("%s: exit code %d (want %d), output lacks %q:\n%s", step.name, code, step.wantCode, step.wantOut, got)
		}
		if step.wantCode != 0 {
			if _, err := os.Stat(restored); !os.IsNotExist(err) {
				t.Fatalf("%s: the refused restore left %s behind (%v)", step.name, restored, err)
			}
		}
	}
}
