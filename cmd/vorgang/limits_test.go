package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// bombDesk is a process whose on_create hook runs the script bomb the
// ticket's field "art" names, and a harmless process to create next.
const bombDesk = `apiVersion: vorgang/v1
kind: Process
id: bombe
title: Bombe
form: bombe
audience: [staff]
team: technik
numbering: {prefix: BOMB, reset: never}
states:
  - {id: offen, category: open}
  - {id: zu, category: closed}
transitions:
  - {id: schliessen, from: [offen], to: zu}
hooks: {on_create: bombe}
---
apiVersion: vorgang/v1
kind: Process
id: notiz
title: Notiz
form: bombe
audience: [staff]
team: technik
numbering: {prefix: NOTE, reset: never}
states:
  - {id: offen, category: open}
  - {id: zu, category: closed}
transitions:
  - {id: schliessen, from: [offen], to: zu}
---
apiVersion: vorgang/v1
kind: Form
id: bombe
title: Bombe
fields:
  - {id: art, type: text, label: Art, required: true}
  - {id: text, type: textarea, label: Text}
---
{apiVersion: vorgang/v1, kind: Team, id: technik, title: Technik}
`

const bombScript = `local art = ticket.data.art
if art == "concat" then
  -- 4,096 references to one 1 MiB string: table.concat asks for 4 GiB.
  local s = string.rep("x", 1048576)
  local t = {}
  for i = 1, 4096 do t[i] = s end
  ticket.set("text", table.concat(t))
elseif art == "format" then
  -- 3,300 fields of width 999,999: string.format asks for 3.3 GB.
  local t = {}
  for i = 1, 3300 do t[i] = "x" end
  ticket.set("text", string.format(string.rep("%999999s", 3300), unpack(t)))
elseif art == "hog" then
  -- Keeps 100 KB more each iteration until a limit stops it.
  local t = {}
  for i = 1, 1e6 do t[i] = string.rep("x", 100000) .. i end
end
`

// The crash reproductions run against the real server under a memory
// ceiling (1 GiB of data segment, far below what the bombs ask for): each
// is refused as a failed script, the server stays up, /healthz answers,
// and the next ticket is created. Before the limits held inside library
// calls, the first bomb ended the process with Go's "out of memory".
func TestScriptBombsLeaveTheServerUp(t *testing.T) {
	if testing.Short() {
		t.Skip("runs memory bombs against a server")
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "processes", "bombe.yaml"), bombDesk)
	writeFile(t, filepath.Join(dir, "scripts", "bombe.lua"), bombScript)
	data := filepath.Join(dir, "data")
	token := adminToken(t, dir, data, "root")
	// ulimit -d bounds the private writable memory: the Go heap.
	srv := startServerUnder(t, dir, []string{"sh", "-c", `ulimit -d 1048576 && exec "$0" "$@"`}, "--data", data)
	base := "http://" + srv.addr
	client := &http.Client{Timeout: 60 * time.Second}

	create := func(process, art string) (int, string, error) {
		body := fmt.Sprintf(`{"process":%q,"data":{"art":%q}}`, process, art)
		req, err := http.NewRequest(http.MethodPost, base+"/api/v1/tickets", strings.NewReader(body))
		if err != nil {
			return 0, "", err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			return 0, "", err
		}
		defer resp.Body.Close()
		var reply struct {
			Error struct {
				Code string `json:"code"`
			} `json:"error"`
		}
		b, _ := io.ReadAll(resp.Body)
		_ = json.Unmarshal(b, &reply)
		return resp.StatusCode, reply.Error.Code, nil
	}
	stillUp := func(t *testing.T) {
		t.Helper()
		if h := srv.health(t); h.Status != "ok" {
			t.Fatalf("health %+v", h)
		}
		if status, code, err := create("notiz", "danach"); err != nil || status != http.StatusCreated {
			t.Fatalf("the next ticket: %d %s %v\n%s", status, code, err, srv.log())
		}
	}

	for _, art := range []string{"concat", "format"} {
		t.Run(art, func(t *testing.T) {
			status, code, err := create("bombe", art)
			if err != nil {
				t.Fatalf("no answer (the server died?): %v\n%s", err, srv.log())
			}
			if status != http.StatusInternalServerError || code != "script_failed" {
				t.Fatalf("bomb %s: %d %s, want 500 script_failed", art, status, code)
			}
			stillUp(t)
		})
	}
	// Four memory-hungry hooks at once share one memory bound; requests
	// that run no script are answered meanwhile.
	t.Run("four in parallel", func(t *testing.T) {
		var wg sync.WaitGroup
		statuses := make([]int, 4)
		errs := make([]error, 4)
		for i := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i], _, errs[i] = create("bombe", "hog")
			}()
		}
		for range 5 {
			srv.health(t)
		}
		wg.Wait()
		for i := range 4 {
			if errs[i] != nil {
				t.Fatalf("no answer (the server died?): %v\n%s", errs[i], srv.log())
			}
			if statuses[i] != http.StatusInternalServerError && statuses[i] != http.StatusServiceUnavailable {
				t.Errorf("bomb %d: %d, want 500 or 503", i, statuses[i])
			}
		}
		stillUp(t)
	})
	if srv.cmd.ProcessState != nil {
		t.Fatalf("the server exited: %v", srv.cmd.ProcessState)
	}
}
