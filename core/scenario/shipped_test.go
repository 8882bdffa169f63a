package scenario_test

import (
	"testing"

	"vorgang/core/scenario"
)

// TestShippedScenarios runs every scenario of the shipped desks.
func TestShippedScenarios(t *testing.T) {
	cat := compile(t, shippedFiles(t))
	files := shippedScenarioFiles(t)
	if len(files) == 0 {
		t.Fatal("no shipped scenario files found")
	}
	for _, f := range files {
		suite, err := scenario.Parse(f.Path, f.Data)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		for i, sc := range suite.Scenarios {
			t.Run(f.Path+"/"+sc.Name, func(t *testing.T) {
				res := suite.RunScenario(t.Context(), cat, i, scenario.Options{})
				for _, msg := range res.Failures {
					t.Error(msg)
				}
			})
		}
	}
}
