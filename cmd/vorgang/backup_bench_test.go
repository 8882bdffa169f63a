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
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	benchBackupData = flag.String("backup.data", "", "data folder BenchmarkOnlineBackup serves and backs up; it adds tickets to it, so give it a copy (default: a new store)")
	benchBackupBins = flag.String("backup.bin", "", "vorgang binaries BenchmarkOnlineBackup runs the backup with, comma-separated, one after the other against the same server and load, to compare builds (default: this source)")
	benchBackupWait = flag.Duration("backup.start", time.Minute, "how long BenchmarkOnlineBackup waits for the server to listen")
)

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
	serverStartTimeout = *benchBackupWait
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
	bins := []string{bin}
	if *benchBackupBins != "" {
		bins = strings.Split(*benchBackupBins, ",")
	}
	type run struct {
		start, end time.Duration
		cpu        time.Duration
		rss        int64
		archive    string
	}
	runs := make([]run, len(bins))
	for i, backupBin := range bins {
		archive := filepath.Join(dir, fmt.Sprintf("online-%d.tar.gz", i+1))
		runs[i].archive = archive
		runs[i].start = time.Since(start)
		bk := exec.Command(backupBin, "backup", "--data", data, "-o", archive)
		var bkOut bytes.Buffer
		bk.Stdout, bk.Stderr = &bkOut, &bkOut
		if err := bk.Run(); err != nil {
			b.Fatalf("%s backup: %v\n%s", backupBin, err, bkOut.String())
		}
		runs[i].end = time.Since(start)
		ru := bk.ProcessState.SysUsage().(*syscall.Rusage)
		runs[i].cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		runs[i].rss = ru.Maxrss
		b.Logf("%s: %s", backupBin, bytes.TrimSpace(bkOut.Bytes()))
		time.Sleep(5 * time.Second)
	}
	close(stop)
	wg.Wait()

	pct := func(d []time.Duration, p float64) float64 {
		if len(d) == 0 {
			return 0
		}
		slices.Sort(d)
		return float64(d[min(len(d)-1, int(p*float64(len(d))))].Microseconds()) / 1000
	}
	var before []time.Duration
	failed := 0
	for _, s := range samples {
		switch {
		case !s.ok:
			failed++
		case s.at < runs[0].start:
			before = append(before, s.took)
		}
	}
	b.ReportMetric(float64(len(before))/runs[0].start.Seconds(), "creates/s-before")
	b.ReportMetric(pct(before, 0.99), "p99-ms-before")
	b.ReportMetric(float64(failed), "failed-creates")
	for i, r := range runs {
		// One backup keeps the plain names; several are numbered in
		// the order of -backup.bin.
		suffix := ""
		if len(runs) > 1 {
			suffix = fmt.Sprintf("-%d", i+1)
		}
		var during []time.Duration
		for _, s := range samples {
			if s.ok && s.at >= r.start && s.at < r.end {
				during = append(during, s.took)
			}
		}
		b.ReportMetric((r.end - r.start).Seconds(), "backup-s"+suffix)
		b.ReportMetric(r.cpu.Seconds(), "backup-cpu-s"+suffix)
		b.ReportMetric(float64(r.rss)/1024, "backup-rss-MB"+suffix)
		b.ReportMetric(float64(len(during))/(r.end-r.start).Seconds(), "creates/s-during"+suffix)
		b.ReportMetric(pct(during, 0.5), "p50-ms-during"+suffix)
		b.ReportMetric(pct(during, 0.99), "p99-ms-during"+suffix)
		if st, err := os.Stat(r.archive); err == nil {
			b.ReportMetric(float64(st.Size())/(1<<20), "archive-MB"+suffix)
		}
	}
}
