package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"vorgang/core/definition"
	"vorgang/core/scenario"
)

// scenarioSuite is a *_test.yaml file: scenarios run through the engine on
// a fresh embedded store each.
type scenarioSuite struct {
	file definition.File
	env  *testEnv
}

func scenarioSuites(files []definition.File, env *testEnv) []testSuite {
	var out []testSuite
	for _, f := range files {
		if scenario.IsScenarioFile(f.Path) {
			out = append(out, scenarioSuite{file: f, env: env})
		}
	}
	return out
}

func (s scenarioSuite) Path() string { return s.file.Path }

func (s scenarioSuite) Run(ctx context.Context, cat *definition.Catalog) ([]caseResult, error) {
	suite, err := scenario.Parse(s.file.Path, s.file.Data)
	if err != nil {
		return nil, err
	}
	results := suite.Run(ctx, cat, scenario.Options{Logger: s.env.log, Definitions: s.env.readDefinitions})
	out := make([]caseResult, len(results))
	for i, r := range results {
		out[i] = caseResult{Name: r.Name, Failure: strings.Join(r.Failures, "\n    "), Duration: r.Duration}
	}
	return out, nil
}

// readDefinitions reads and compiles the definitions below dir, for
// scenario steps that switch to another version of a desk.
func (env *testEnv) readDefinitions(dir string) (*definition.Catalog, error) {
	files, err := definition.ReadFS(os.DirFS(dir), filepath.ToSlash(dir))
	if err != nil {
		return nil, err
	}
	cat, diags := env.loader.Compile(files)
	if cat == nil {
		return nil, fmt.Errorf("the definitions in %s are invalid:\n    %s", dir, strings.ReplaceAll(diags.Error(), "\n", "\n    "))
	}
	return cat, nil
}
