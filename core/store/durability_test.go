package store

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"vorgang/core/ticket"
)

// childDirEnv makes the test binary act as the writer process the
// durability test kills.
const childDirEnv = "VORGANG_STORE_WRITER_DIR"

// childModeEnv "reserve" makes the writer runReservingWriter.
const childModeEnv = "VORGANG_STORE_WRITER_MODE"

func TestMain(m *testing.M) {
	if dir := os.Getenv(childDirEnv); dir != "" {
		if os.Getenv(childModeEnv) == "reserve" {
			os.Exit(runReservingWriter(dir))
		}
		os.Exit(runWriter(dir))
	}
	os.Exit(m.Run())
}

// runWriter creates and updates tickets as fast as it can and prints
// "ack NUMBER VERSION" after each acknowledged write, until it is killed.
func runWriter(dir string) int {
	ctx := context.Background()
	s, err := Open(ctx, Config{DataDir: dir})
	if err != nil {
		fmt.Fprintln(os.Stderr, "writer:", err)
		return 1
	}
	out := bufio.NewWriter(os.Stdout)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	fmt.Fprintln(out, "ready")
	out.Flush()
	var mine []string
	for i := 0; ; i++ {
		if i%3 == 0 || len(mine) == 0 {
			n, err := s.NextNumber(ctx, "INC/2026")
			if err != nil {
				fmt.Fprintln(os.Stderr, "writer:", err)
				return 1
			}
			tk := newTicket(fmt.Sprintf("INC-2026-%06d", n))
			tk.Team = benchTeams[rng.IntN(len(benchTeams))]
			if err := s.CreateTicket(ctx, tk, &ticket.HistoryEntry{Actor: "writer", Type: "created"}); err != nil {
				fmt.Fprintln(os.Stderr, "writer:", err)
				return 1
			}
			mine = append(mine, tk.Number)
			fmt.Fprintf(out, "ack %s %d\n", tk.Number, tk.Version)
		} else {
			tk, err := s.Ticket(ctx, mine[rng.IntN(len(mine))])
			if err != nil {
				fmt.Fprintln(os.Stderr, "writer:", err)
				return 1
			}
			tk.Team = benchTeams[rng.IntN(len(benchTeams))]
			tk.State, tk.Category, tk.Open = "new", "open", true
			if rng.IntN(2) == 0 {
				tk.State, tk.Category, tk.Open = "closed", "closed", false
			}
			if err := s.UpdateTicket(ctx, tk, &ticket.HistoryEntry{Actor: "writer", Type: "changed"}); err != nil {
				fmt.Fprintln(os.Stderr, "writer:", err)
				return 1
			}
			fmt.Fprintf(out, "ack %s %d\n", tk.Number, tk.Version)
		}
		out.Flush() // acknowledged means: printed after the store returned
	}
}

// TestDurabilityUnderSIGKILL kills a writing process 20 times at random
// moments and checks after each restart that every acknowledged write is
// there and nothing half-written is visible.
func TestDurabilityUnderSIGKILL(t *testing.T) {
	dir := t.TempDir()
	acked := map[string]int64{}
	rng := rand.New(rand.NewPCG(7, 7))
	const rounds = 20
	for round := 0; round < rounds; round++ {
		killWriter(t, dir, "", acked, rng, round)
		verifyAfterCrash(t, dir, acked, round)
	}
	t.Logf("%d rounds, %d tickets acknowledged", rounds, len(acked))
}

// killWriter starts the writer of mode on dir and kills it after a random
// number of acknowledged writes, which it adds to acked.
func killWriter(t *testing.T, dir, mode string, acked map[string]int64, rng *rand.Rand, round int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childDirEnv+"="+dir, childModeEnv+"="+mode)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1024)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	select {
	case l := <-lines:
		if l != "ready" {
			t.Fatalf("round %d: writer said %q: %s", round, l, stderr.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("round %d: writer did not start: %s", round, stderr.String())
	}
	// Kill after a random number of acknowledged writes, so the kill
	// lands at a random point of a write.
	killAfter, writes := 5+rng.IntN(60), 0
	for l := range lines {
		f := strings.Fields(l)
		if len(f) == 3 && f[0] == "ack" {
			v, _ := strconv.ParseInt(f[2], 10, 64)
			acked[f[1]] = max(acked[f[1]], v)
			writes++
		}
		if writes == killAfter {
			_ = cmd.Process.Signal(syscall.SIGKILL)
		}
	}
	_ = cmd.Wait()
	if writes < killAfter {
		// It stopped before the kill: a write failed (a number handed
		// out twice fails its ticket's insert).
		t.Fatalf("round %d: the writer stopped after %d writes: %s", round, writes, stderr.String())
	}
}

func verifyAfterCrash(t *testing.T, dir string, acked map[string]int64, round int) {
	t.Helper()
	ctx := t.Context()
	s := reopenAfterKill(t, dir, round)
	defer closeStore(t, s)
	for number, version := range acked {
		tk, err := s.Ticket(ctx, number)
		if err != nil {
			t.Fatalf("round %d: acknowledged ticket %s: %v", round, number, err)
		}
		if tk.Version < version {
			t.Fatalf("round %d: ticket %s at version %d, but version %d was acknowledged", round, number, tk.Version, version)
		}
		hist, err := s.History(ctx, tk)
		if err != nil {
			t.Fatalf("round %d: ticket %s without its history: %v", round, number, err)
		}
		if int64(len(hist)) != tk.Version {
			t.Fatalf("round %d: ticket %s has %d history entries for version %d", round, number, len(hist), tk.Version)
		}
	}
	cached, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Counted by the driver from the documents, not through the index.
	fresh, err := s.openGroupsMongo(ctx, "team", "state", "priority")
	if err != nil {
		t.Fatal(err)
	}
	var inIndex, inDocuments int64
	for _, c := range cached {
		inIndex += c.N
	}
	for _, g := range fresh {
		inDocuments += g.n
	}
	if inIndex != inDocuments {
		t.Fatalf("round %d: counts from the index (%d) disagree with the documents (%d)", round, inIndex, inDocuments)
	}
}

// reopenAfterKill opens the store a writer was killed over; the caller
// closes it before the next round's writer opens the folder.
func reopenAfterKill(t *testing.T, dir string, round int) *Store {
	t.Helper()
	s, err := Open(t.Context(), Config{DataDir: dir, Logger: testLogger(t)})
	if err != nil {
		t.Fatalf("round %d: reopen after SIGKILL: %v", round, err)
	}
	return s
}
