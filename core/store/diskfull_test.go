package store

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"vorgang/core/store/storetest"
)

// syncBuffer is a log sink for several goroutines.
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

// TestDiskFull: on a full disk a write fails with ErrDiskFull, Writable
// says so, the log says it once (no database dump per write), and once
// space is freed writes succeed again without a restart.
func TestDiskFull(t *testing.T) {
	dir := storetest.SmallDisk(t, "8m")
	var logs syncBuffer
	s, err := Open(t.Context(), Config{DataDir: dir, Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeStore(t, s) })
	s.tuning.probeWhileFull, s.tuning.probeWhileOK = 0, 0
	ctx := t.Context()
	if err := s.Writable(ctx); err != nil {
		t.Fatalf("Writable on a fresh disk: %v", err)
	}

	free := storetest.FillDisk(t, dir)
	pad := strings.Repeat("x", 16<<10)
	// SQLite may still find room in its write-ahead log for a few writes.
	refused := 0
	for i := 0; i < 200 && refused < 3; i++ {
		err := s.Insert(ctx, "meta", map[string]any{"_id": "pad-" + strings.Repeat("0", 3) + string(rune('a'+i%26)) + itoa(i), "pad": pad})
		if err == nil {
			continue
		}
		if !errors.Is(err, ErrDiskFull) {
			t.Fatalf("insert on a full disk: %v, want ErrDiskFull", err)
		}
		refused++
	}
	if refused < 3 {
		t.Fatal("200 inserts of 16 KB succeeded on a full disk")
	}
	if _, err := s.Update(ctx, metaCollection, instanceID, s.instanceVersion(t), map[string]any{"$set": map[string]any{"pad": pad}}); !errors.Is(err, ErrDiskFull) {
		t.Errorf("update on a full disk: %v, want ErrDiskFull", err)
	}
	if err := s.Writable(ctx); !errors.Is(err, ErrDiskFull) {
		t.Errorf("Writable on a full disk: %v, want ErrDiskFull", err)
	}
	if n := strings.Count(logs.String(), "level=ERROR"); n != 1 {
		t.Errorf("%d errors were logged, want one for the full disk:\n%s", n, logs.String())
	}
	if strings.Contains(logs.String(), "Response message") {
		t.Errorf("the log holds database reply dumps:\n%s", logs.String())
	}

	free()
	if err := s.Writable(ctx); err != nil {
		t.Fatalf("Writable after space was freed: %v", err)
	}
	if err := s.Insert(ctx, "meta", map[string]any{"_id": "after", "pad": pad}); err != nil {
		t.Fatalf("insert after space was freed: %v", err)
	}
	if n := strings.Count(logs.String(), "level=ERROR"); n != 1 {
		t.Errorf("%d errors were logged, want one for the full disk:\n%s", n, logs.String())
	}
	if n := strings.Count(logs.String(), "takes writes again"); n != 1 {
		t.Errorf("the recovery was logged %d times, want once:\n%s", n, logs.String())
	}
}

func (s *Store) instanceVersion(t *testing.T) int64 {
	t.Helper()
	var d instanceDoc
	if err := s.Get(t.Context(), metaCollection, instanceID, &d); err != nil {
		t.Fatal(err)
	}
	return d.Version
}

func itoa(i int) string {
	const digits = "0123456789"
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{digits[i%10]}, b...)
	}
	return string(b)
}
