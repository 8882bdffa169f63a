package main

import (
	"bytes"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"
)

var benchBackupData = flag.String("backup.data", "", "data folder BenchmarkOnlineBackup serves and backs up; it adds tickets to it, so give it a copy (default: a new store)")

// BenchmarkOnlineBackup serves -backup.data, has 8 clients create tickets
// through the API and, after 10 s, runs vorgang backup on the folder as
// another process. It reports how long the backup took, its CPU time, and
// the create latencies before and during it.
func BenchmarkOnlineBackup(b *testing.B) {
	data := *benchBackupData
	dir := b.TempDir()
	if data == "" {
		data = filepath.Join(dir, "data")
	}
	bin := binary(b)
	cmd := exec.Command(bin, "user", "create", fmt.Sprintf("bench%d", time.Now().UnixNano()), "--role", "admin", "--token", "--data", data)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("vorgang user create: %v\n%s", err, out)
	}
	token := regexp.MustCompile(`vg_\S+`).FindString(string(out))
	api := &crashAPI{token: token, http: &http.Client{Timeout: 2 * time.Minute,
		Transport: &http.Transport{MaxIdleConnsPerHost: 2 * crashClients}}}
	defer api.http.CloseIdleConnections()
	srv := startServer(b, dir, "--data", data)
	base := "http://" + srv.addr

	type sample struct {
		at, took time.Duration
		ok       bool
	}
	var (
		mu      sync.Mutex
		samples []sample
		stop    = make(chan struct{})
		wg      sync.WaitGroup
	)
	start := time.Now()
	for c := range crashClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				t0 := time.Now()
				r, err := api.create(base, fmt.Sprintf("bench-%d-%d-%d", start.UnixNano(), c, i))
				s := sample{at: t0.Sub(start), took: time.Since(t0), ok: err == nil && r.status == http.StatusCreated}
				mu.Lock()
				samples = append(samples, s)
				mu.Unlock()
			}
		}()
	}
	time.Sleep(10 * time.Second)
	archive := filepath.Join(dir, "online.tar.gz")
	backupStart := time.Since(start)
	bk := exec.Command(bin, "backup", "--data", data, "-o", archive)
	var bkOut bytes.Buffer
	bk.Stdout, bk.Stderr = &bkOut, &bkOut
	if err := bk.Run(); err != nil {
		b.Fatalf("vorgang backup: %v\n%s", err, bkOut.String())
	}
	backupEnd := time.Since(start)
	time.Sleep(5 * time.Second)
	close(stop)
	wg.Wait()

	ru := bk.ProcessState.SysUsage().(*syscall.Rusage)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	var before, during []time.Duration
	failed := 0
	for _, s := range samples {
		if !s.ok {
			failed++
			continue
		}
		switch {
		case s.at < backupStart:
			before = append(before, s.took)
		case s.at < backupEnd:
			during = append(during, s.took)
		}
	}
	pct := func(d []time.Duration, p float64) float64 {
		if len(d) == 0 {
			return 0
		}
		slices.Sort(d)
		return float64(d[min(len(d)-1, int(p*float64(len(d))))].Microseconds()) / 1000
	}
	b.Logf("%s", bytes.TrimSpace(bkOut.Bytes()))
	b.ReportMetric((backupEnd - backupStart).Seconds(), "backup-s")
	b.ReportMetric(cpu.Seconds(), "backup-cpu-s")
	b.ReportMetric(float64(ru.Maxrss)/1024, "backup-rss-MB")
	b.ReportMetric(float64(len(during))/(backupEnd-backupStart).Seconds(), "creates/s-during")
	b.ReportMetric(float64(len(before))/backupStart.Seconds(), "creates/s-before")
	b.ReportMetric(pct(before, 0.99), "p99-ms-before")
	b.ReportMetric(pct(during, 0.5), "p50-ms-during")
	b.ReportMetric(pct(during, 0.99), "p99-ms-during")
	b.ReportMetric(float64(failed), "failed-creates")
	if st, err := os.Stat(archive); err == nil {
		b.ReportMetric(float64(st.Size())/(1<<20), "archive-MB")
	}
}
