package store

import (
	"testing"

	"go.mongodb.org/mongo-driver/bson"
)

// readExplain reads the explain replies of MongoDB (classic and slot-based
// engines, find and aggregate) and of FerretDB. No MongoDB server runs in
// the tests: the replies are written as MongoDB documents them.
func TestReadExplain(t *testing.T) {
	sorted := bson.D{{Key: "find", Value: "tickets"}, {Key: "filter", Value: bson.D{{Key: "open", Value: true}}}, {Key: "sort", Value: bson.D{{Key: "due", Value: 1}}}}
	tests := []struct {
		name, reply string
		cmd         bson.D
		wantPlan    string
		scan, sort  bool
	}{
		{name: "index in order, a rejected collection scan", cmd: sorted,
			reply: `{"queryPlanner": {"namespace": "vorgang.tickets", "winningPlan": {"stage": "LIMIT", "inputStage": {"stage": "FETCH",
				"inputStage": {"stage": "IXSCAN", "indexName": "open_1_team_1_due_1__id_1", "direction": "forward"}}},
				"rejectedPlans": [{"stage": "SORT", "inputStage": {"stage": "COLLSCAN"}}]}, "ok": 1}`,
			wantPlan: "LIMIT < FETCH < IXSCAN open_1_team_1_due_1__id_1"},
		{name: "collection scan and in-memory sort", cmd: sorted,
			reply:    `{"queryPlanner": {"winningPlan": {"stage": "SORT", "sortPattern": {"due": 1}, "inputStage": {"stage": "COLLSCAN", "direction": "forward"}}}, "ok": 1}`,
			wantPlan: "SORT < COLLSCAN", scan: true, sort: true},
		{name: "in-memory sort over an index", cmd: sorted,
			reply:    `{"queryPlanner": {"winningPlan": {"stage": "SORT", "inputStage": {"stage": "FETCH", "inputStage": {"stage": "IXSCAN", "indexName": "open_1_catalog_1"}}}}, "ok": 1}`,
			wantPlan: "SORT < FETCH < IXSCAN open_1_catalog_1", sort: true},
		{name: "merge of sorted $in ranges", cmd: sorted,
			reply:    `{"queryPlanner": {"winningPlan": {"stage": "FETCH", "inputStage": {"stage": "SORT_MERGE", "inputStages": [{"stage": "IXSCAN", "indexName": "state_1_next_at_1__id_1"}, {"stage": "IXSCAN", "indexName": "state_1_next_at_1__id_1"}]}}}, "ok": 1}`,
			wantPlan: "FETCH < SORT_MERGE < IXSCAN state_1_next_at_1__id_1 < IXSCAN state_1_next_at_1__id_1"},
		{name: "slot-based engine", cmd: sorted,
			reply:    `{"explainVersion": "2", "queryPlanner": {"winningPlan": {"queryPlan": {"stage": "FETCH", "inputStage": {"stage": "IXSCAN", "indexName": "tracking_1"}}, "slotBasedPlan": {"slots": "$$RESULT=s5", "stages": "[2] nlj inner [] [s2, s3]"}}}, "ok": 1}`,
			wantPlan: "FETCH < IXSCAN tracking_1"},
		{name: "aggregation with a cursor stage", cmd: bson.D{{Key: "aggregate", Value: "tickets"}},
			reply:    `{"stages": [{"$cursor": {"queryPlanner": {"winningPlan": {"stage": "PROJECTION_COVERED", "inputStage": {"stage": "IXSCAN", "indexName": "open_1_team_1_state_1_priority_1"}}}}}, {"$group": {"_id": "$team"}}], "ok": 1}`,
			wantPlan: "PROJECTION_COVERED < IXSCAN open_1_team_1_state_1_priority_1"},
		{name: "FerretDB filtering in its own process", cmd: sorted,
			reply:    `{"queryPlanner": {"Plan": ["SCAN tickets"]}, "explainVersion": "1", "filterPushdown": false, "sortPushdown": false, "limitPushdown": false, "ok": 1}`,
			wantPlan: "FerretDB: filter pushed down false, sort pushed down false", scan: true, sort: true},
		{name: "FerretDB with the filter pushed down", cmd: bson.D{{Key: "find", Value: "tickets"}, {Key: "filter", Value: bson.D{{Key: "_id", Value: "IT-1"}}}},
			reply:    `{"queryPlanner": {"Plan": ["SEARCH tickets"]}, "filterPushdown": true, "sortPushdown": false, "ok": 1}`,
			wantPlan: "FerretDB: filter pushed down true, sort pushed down false"},
		{name: "a reply without a plan", cmd: sorted, reply: `{"ok": 1}`, wantPlan: "no plan in the explain reply", scan: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var reply bson.Raw
			if err := bson.UnmarshalExtJSON([]byte(tt.reply), false, &reply); err != nil {
				t.Fatal(err)
			}
			var p ShapePlan
			readExplain(reply, tt.cmd, &p)
			if p.Plan != tt.wantPlan || p.Scan != tt.scan || p.Sort != tt.sort {
				t.Errorf("got plan %q scan %t sort %t, want %q scan %t sort %t", p.Plan, p.Scan, p.Sort, tt.wantPlan, tt.scan, tt.sort)
			}
		})
	}
}

// The queries doctor explains are served by the declared indexes, by the
// same rule as the queries the store sends (Served): a problem doctor
// finds on a MongoDB is the server's planner, not a missing index.
func TestSampleCommandsAreServed(t *testing.T) {
	reg, err := newRegistry(ownSchema, testSchema)
	if err != nil {
		t.Fatal(err)
	}
	s := &Store{schema: reg}
	for _, name := range reg.names() {
		c := reg[name]
		for _, sh := range c.Shapes {
			if sh.Scans {
				continue
			}
			cmd := sampleCommand(c, sh)
			raw, err := bson.Marshal(cmd)
			if err != nil {
				t.Fatal(err)
			}
			command := cmd[0].Key
			for _, q := range issuedQueries(command, raw) {
				if _, err := s.Served(q); err != nil {
					t.Errorf("%s on %s: %v", sh.Name, name, err)
				}
			}
		}
	}
}
