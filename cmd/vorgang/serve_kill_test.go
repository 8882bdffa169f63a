package main

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// serveUntil starts `vorgang serve` on data and kills it with SIGKILL at
// its first JSON log line whose msg is msg: a crash in the middle of the
// work that line announces.
func serveUntil(t *testing.T, dir, data, msg string) {
	t.Helper()
	cmd := exec.Command(binary(t), "serve", "--addr", "127.0.0.1:0", "--log-format", "json", "--data", data)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "VORGANG_MONGO_URI=")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var seen []string
	killed := false
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		seen = append(seen, sc.Text())
		var rec map[string]any
		if json.Unmarshal(sc.Bytes(), &rec) == nil && rec["msg"] == msg {
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			killed = true
			break
		}
	}
	_ = cmd.Wait()
	if !killed {
		t.Fatalf("the server did not report %q:\n%s", msg, strings.Join(seen, "\n"))
	}
}
