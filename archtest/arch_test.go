package archtest

import (
	"bufio"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// knownViolations are the breaches present on main while issue 10's
// refactor is in flight. Each entry must still happen: remove it when it is
// fixed. Never add one to let new code in.
var knownViolations = []string{}

// goFile is what the rules need to know about one non-test Go file.
type goFile struct {
	rel     string   // slash path from the module root, "httpapi/staff_roster.go"
	dir     string   // its package directory, "httpapi"
	imports []string // import paths
	opensTx bool     // calls or takes a method named WithTx or BeginTx
	writes  []string // store write methods it calls on st, tx or a .store field
}

// rule is one line of the architecture. check returns the violation keys
// ("file: what") of f; a key may be produced by several rules.
type rule struct {
	name  string
	check func(mod string, f goFile) []string
}

// under reports whether dir is pkg or a directory below it.
func under(dir, pkg string) bool { return dir == pkg || strings.HasPrefix(dir, pkg+"/") }

// isStd reports whether an import path belongs to the standard library: its
// first element has no dot and it is not in the module.
func isStd(mod, imp string) bool {
	if imp == mod || strings.HasPrefix(imp, mod+"/") {
		return false
	}
	first, _, _ := strings.Cut(imp, "/")
	return !strings.Contains(first, ".")
}

// hasPrefixPath reports whether imp is p or a package below p.
func hasPrefixPath(imp, p string) bool { return imp == p || strings.HasPrefix(imp, p+"/") }

func importsWhere(f goFile, pred func(imp string) bool) []string {
	var out []string
	for _, imp := range f.imports {
		if pred(imp) {
			out = append(out, f.rel+": imports "+imp)
		}
	}
	return out
}

// sqlPackages are database/sql and the drivers: only store may hold them.
var sqlPackages = []string{"database/sql", "modernc.org/sqlite", "github.com/jackc/pgx", "github.com/lib/pq", "github.com/mattn/go-sqlite3"}

func isSQL(imp string) bool {
	for _, p := range sqlPackages {
		if hasPrefixPath(imp, p) {
			return true
		}
	}
	return false
}

// homes: each outside library lives in one package (STYLE.md, "Shape").
var homes = []struct{ lib, home string }{
	{"github.com/labstack/echo", "httpapi"},
	{"github.com/robfig/cron", "scheduler"},
	{"github.com/arran4/golang-ical", "ical"},
	{"github.com/xuri/excelize", "xlsx"},
	{"github.com/prometheus", "metrics"},
}

// storeWrites are the store's writes of casework and roster data: use cases
// that belong to the service layer (service, planner), not to their callers.
// The job ledger (RunJob) and outbox delivery stay with the scheduler.
var storeWrites = map[string]bool{
	"CreateCase": true, "SaveCase": true, "CreateVisit": true, "SaveVisit": true, "CreateSweep": true,
	"SaveSweepTask": true, "AddFindings": true, "SaveFinding": true, "SetAssignment": true, "SetPinned": true,
	"SaveGenerated": true, "AddAbsence": true, "DeleteAbsence": true, "ReplaceHolidayYear": true,
	"UpsertPerson": true, "ImportCounty": true, "EnqueueNotification": true, "Flag": true,
}

var rules = []rule{
	{"roster imports only the standard library", func(mod string, f goFile) []string {
		if !under(f.dir, "roster") {
			return nil
		}
		return importsWhere(f, func(imp string) bool { return !isStd(mod, imp) })
	}},
	{"visits imports only the standard library, zhiban/roster and zhiban/clean", func(mod string, f goFile) []string {
		if !under(f.dir, "visits") {
			return nil
		}
		return importsWhere(f, func(imp string) bool { return !isStd(mod, imp) && imp != mod+"/roster" && imp != mod+"/clean" })
	}},
	{"roster and visits do not import echo", func(mod string, f goFile) []string {
		if !under(f.dir, "roster") && !under(f.dir, "visits") {
			return nil
		}
		return importsWhere(f, func(imp string) bool { return hasPrefixPath(imp, "github.com/labstack/echo") })
	}},
	{"only store imports database/sql and the SQL drivers", func(mod string, f goFile) []string {
		if under(f.dir, "store") {
			return nil
		}
		return importsWhere(f, isSQL)
	}},
	{"no transaction is opened outside store and the service layer (service, planner): no WithTx, ReadTx or BeginTx", func(mod string, f goFile) []string {
		if under(f.dir, "store") || under(f.dir, "service") || under(f.dir, "planner") || !f.opensTx {
			return nil
		}
		return []string{f.rel + ": opens a transaction"}
	}},
	{"zhiban/httpapi is imported only by cmd/zhiban/serve.go (the CLI imports httpapi only to serve)", func(mod string, f goFile) []string {
		if f.rel == "cmd/zhiban/serve.go" {
			return nil
		}
		return importsWhere(f, func(imp string) bool { return imp == mod+"/httpapi" })
	}},
	{"httpapi holds HTTP only: it imports neither database/sql nor zhiban/scheduler (except the jobs page)", func(mod string, f goFile) []string {
		if !under(f.dir, "httpapi") {
			return nil
		}
		jobsPage := strings.Contains(path.Base(f.rel), "jobs")
		return importsWhere(f, func(imp string) bool {
			return hasPrefixPath(imp, "database/sql") || (imp == mod+"/scheduler" && !jobsPage)
		})
	}},
	{"nothing imports cmd", func(mod string, f goFile) []string {
		return importsWhere(f, func(imp string) bool { return hasPrefixPath(imp, mod+"/cmd") })
	}},
	{"the service layer (service, planner) and store render no HTTP and call no job: no httpapi, scheduler, echo or net/http", func(mod string, f goFile) []string {
		if !under(f.dir, "service") && !under(f.dir, "planner") && !under(f.dir, "store") {
			return nil
		}
		return importsWhere(f, func(imp string) bool {
			return imp == mod+"/httpapi" || imp == mod+"/scheduler" || hasPrefixPath(imp, "github.com/labstack/echo") || imp == "net/http"
		})
	}},
	{"store holds no use cases: it imports neither the service layer (service, planner) nor the jobs", func(mod string, f goFile) []string {
		if !under(f.dir, "store") {
			return nil
		}
		return importsWhere(f, func(imp string) bool {
			return hasPrefixPath(imp, mod+"/service") || imp == mod+"/planner" || imp == mod+"/scheduler"
		})
	}},
	{"ical touches neither HTTP nor SQL: no store, echo, net/http or database/sql", func(mod string, f goFile) []string {
		if !under(f.dir, "ical") {
			return nil
		}
		return importsWhere(f, func(imp string) bool {
			return hasPrefixPath(imp, mod+"/store") || hasPrefixPath(imp, "github.com/labstack/echo") || imp == "net/http" || isSQL(imp)
		})
	}},
	{"scheduler decides nothing itself: it does not import visits (the rules); its jobs call the service", func(mod string, f goFile) []string {
		if !under(f.dir, "scheduler") {
			return nil
		}
		return importsWhere(f, func(imp string) bool { return imp == mod+"/visits" })
	}},
	{"the page and feed view-models (publish) touch neither HTTP nor SQL: no echo, net/http or database/sql", func(mod string, f goFile) []string {
		if !under(f.dir, "publish") {
			return nil
		}
		return importsWhere(f, func(imp string) bool {
			return hasPrefixPath(imp, "github.com/labstack/echo") || imp == "net/http" || isSQL(imp) || imp == mod+"/httpapi"
		})
	}},
	{"callers write no casework or roster data themselves: httpapi, cmd, scheduler and publish call the service layer instead of the store's writes", func(mod string, f goFile) []string {
		if !under(f.dir, "httpapi") && !under(f.dir, "cmd") && !under(f.dir, "scheduler") && !under(f.dir, "publish") {
			return nil
		}
		var out []string
		for _, w := range f.writes {
			out = append(out, f.rel+": writes through the store ("+w+")")
		}
		return out
	}},
	{"each outside library lives in one package: echo in httpapi, cron in scheduler, golang-ical in ical, excelize in xlsx, prometheus in metrics", func(mod string, f goFile) []string {
		var out []string
		for _, h := range homes {
			if under(f.dir, h.home) {
				continue
			}
			out = append(out, importsWhere(f, func(imp string) bool { return hasPrefixPath(imp, h.lib) })...)
		}
		return out
	}},
}

// check runs every rule over files and returns each violation key with the
// rules it breaks.
func check(mod string, files []goFile) map[string][]string {
	found := map[string][]string{}
	for _, f := range files {
		for _, r := range rules {
			for _, v := range r.check(mod, f) {
				if !slices.Contains(found[v], r.name) {
					found[v] = append(found[v], r.name)
				}
			}
		}
	}
	return found
}

// moduleRoot walks up from the working directory to go.mod and returns the
// directory and the module path.
func moduleRoot(t *testing.T) (string, string) {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		fh, err := os.Open(filepath.Join(dir, "go.mod"))
		if err == nil {
			defer fh.Close()
			sc := bufio.NewScanner(fh)
			for sc.Scan() {
				if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
					return dir, strings.Trim(strings.TrimSpace(rest), `"`)
				}
			}
			t.Fatalf("%s/go.mod has no module line", dir)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
}

// readModule parses every non-test Go file of the module, whatever its build
// tags (conn_linux.go and conn_other.go both count), skipping testdata and
// hidden or underscore directories as the go tool does.
func readModule(t *testing.T, root string) []goFile {
	t.Helper()
	var files []goFile
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != root && (name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			if p != root {
				if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
					return filepath.SkipDir // another module
				}
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		// Test helper packages (storetest, publishtest, …) are test code.
		if strings.HasSuffix(filepath.Base(filepath.Dir(p)), "test") {
			return nil
		}
		af, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		f := goFile{rel: rel, dir: path.Dir(rel)}
		for _, is := range af.Imports {
			imp, err := strconv.Unquote(is.Path.Value)
			if err != nil {
				return fmt.Errorf("%s: %w", rel, err)
			}
			f.imports = append(f.imports, imp)
		}
		ast.Inspect(af, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if sel.Sel.Name == "WithTx" || sel.Sel.Name == "BeginTx" || sel.Sel.Name == "ReadTx" {
				f.opensTx = true
			}
			// Without type information a store is recognised by its usual
			// names: st, tx, or a field called store or st (s.store).
			if storeWrites[sel.Sel.Name] && !slices.Contains(f.writes, sel.Sel.Name) {
				switch x := sel.X.(type) {
				case *ast.Ident:
					if x.Name == "st" || x.Name == "tx" { // not "store": that is the package
						f.writes = append(f.writes, sel.Sel.Name)
					}
				case *ast.SelectorExpr:
					if x.Sel.Name == "store" || x.Sel.Name == "st" {
						f.writes = append(f.writes, sel.Sel.Name)
					}
				}
			}
			return true
		})
		files = append(files, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestArchitecture checks the module against the rules; new violations and
// stale knownViolations entries both fail.
func TestArchitecture(t *testing.T) {
	root, mod := moduleRoot(t)
	files := readModule(t, root)

	// The scan must see the module: store holds database/sql and a
	// transaction, or the walk is broken and every rule passes vacuously.
	var sawSQL, sawTx bool
	for _, f := range files {
		if under(f.dir, "store") {
			sawSQL = sawSQL || slices.Contains(f.imports, "database/sql")
			sawTx = sawTx || f.opensTx
		}
	}
	if len(files) < 20 || !sawSQL || !sawTx {
		t.Fatalf("the scan of %s found %d files (store imports database/sql: %v, opens a transaction: %v); it is not reading the module", root, len(files), sawSQL, sawTx)
	}

	found := check(mod, files)
	known := map[string]bool{}
	for _, k := range knownViolations {
		if known[k] {
			t.Errorf("knownViolations lists %q twice", k)
		}
		known[k] = true
	}
	var keys []string
	for k := range found {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !known[k] {
			t.Errorf("%s — breaks the rule: %s", k, strings.Join(found[k], "; "))
		}
	}
	for _, k := range knownViolations {
		if _, ok := found[k]; !ok {
			t.Errorf("knownViolations lists %q but it no longer happens: remove it from the list in archtest/arch_test.go", k)
		}
	}
	if t.Failed() {
		var b strings.Builder
		for _, k := range keys {
			fmt.Fprintf(&b, "\t%q,\n", k)
		}
		t.Logf("violations found now (fix new ones; only remove entries from knownViolations):\n%s", b.String())
	}
}

// TestRulesFire feeds each rule a file that breaks it, and a file that keeps
// it, so no rule passes vacuously.
func TestRulesFire(t *testing.T) {
	const mod = "zhiban"
	cases := []struct {
		f    goFile
		want []string // violation keys; nil means clean
	}{
		{goFile{rel: "roster/a.go", dir: "roster", imports: []string{"time", "zhiban/store"}}, []string{"roster/a.go: imports zhiban/store"}},
		{goFile{rel: "roster/a.go", dir: "roster", imports: []string{"github.com/labstack/echo/v4"}}, []string{"roster/a.go: imports github.com/labstack/echo/v4"}},
		{goFile{rel: "visits/a.go", dir: "visits", imports: []string{"zhiban/roster", "strings"}}, nil},
		{goFile{rel: "visits/a.go", dir: "visits", imports: []string{"zhiban/config"}}, []string{"visits/a.go: imports zhiban/config"}},
		{goFile{rel: "service/a.go", dir: "service", imports: []string{"database/sql"}}, []string{"service/a.go: imports database/sql"}},
		{goFile{rel: "store/pg/a.go", dir: "store/pg", imports: []string{"database/sql", "github.com/jackc/pgx/v5/stdlib"}}, nil},
		{goFile{rel: "cmd/zhiban/db.go", dir: "cmd/zhiban", imports: []string{"modernc.org/sqlite"}}, []string{"cmd/zhiban/db.go: imports modernc.org/sqlite"}},
		{goFile{rel: "httpapi/x.go", dir: "httpapi", opensTx: true}, []string{"httpapi/x.go: opens a transaction"}},
		{goFile{rel: "scheduler/x.go", dir: "scheduler", opensTx: true}, []string{"scheduler/x.go: opens a transaction"}},
		{goFile{rel: "service/x.go", dir: "service", opensTx: true}, nil},
		{goFile{rel: "planner/x.go", dir: "planner", opensTx: true}, nil},
		{goFile{rel: "cmd/zhiban/serve.go", dir: "cmd/zhiban", imports: []string{"zhiban/httpapi"}}, nil},
		{goFile{rel: "cmd/zhiban/user.go", dir: "cmd/zhiban", imports: []string{"zhiban/httpapi"}}, []string{"cmd/zhiban/user.go: imports zhiban/httpapi"}},
		{goFile{rel: "service/x.go", dir: "service", imports: []string{"zhiban/httpapi"}}, []string{"service/x.go: imports zhiban/httpapi"}},
		{goFile{rel: "httpapi/staff_jobs.go", dir: "httpapi", imports: []string{"zhiban/scheduler"}}, nil},
		{goFile{rel: "httpapi/api_cases.go", dir: "httpapi", imports: []string{"zhiban/scheduler"}}, []string{"httpapi/api_cases.go: imports zhiban/scheduler"}},
		{goFile{rel: "httpapi/x.go", dir: "httpapi", imports: []string{"database/sql"}}, []string{"httpapi/x.go: imports database/sql"}},
		{goFile{rel: "service/x.go", dir: "service", imports: []string{"zhiban/cmd/zhiban"}}, []string{"service/x.go: imports zhiban/cmd/zhiban"}},
		{goFile{rel: "planner/x.go", dir: "planner", imports: []string{"net/http"}}, []string{"planner/x.go: imports net/http"}},
		{goFile{rel: "store/x.go", dir: "store", imports: []string{"zhiban/service"}}, []string{"store/x.go: imports zhiban/service"}},
		{goFile{rel: "ical/x.go", dir: "ical", imports: []string{"zhiban/store"}}, []string{"ical/x.go: imports zhiban/store"}},
		{goFile{rel: "httpapi/x.go", dir: "httpapi", writes: []string{"SaveCase"}}, []string{"httpapi/x.go: writes through the store (SaveCase)"}},
		{goFile{rel: "service/x.go", dir: "service", writes: []string{"SaveCase"}}, nil},
		{goFile{rel: "scheduler/x.go", dir: "scheduler", imports: []string{"zhiban/visits"}}, []string{"scheduler/x.go: imports zhiban/visits"}},
		{goFile{rel: "scheduler/x.go", dir: "scheduler", imports: []string{"zhiban/service", "github.com/robfig/cron/v3"}}, nil},
		{goFile{rel: "publish/x.go", dir: "publish", imports: []string{"net/http"}}, []string{"publish/x.go: imports net/http"}},
		{goFile{rel: "publish/x.go", dir: "publish", imports: []string{"zhiban/store", "zhiban/ical"}}, nil},
		{goFile{rel: "service/x.go", dir: "service", imports: []string{"github.com/robfig/cron/v3"}}, []string{"service/x.go: imports github.com/robfig/cron/v3"}},
		{goFile{rel: "httpapi/render/x.go", dir: "httpapi/render", imports: []string{"github.com/labstack/echo/v4"}}, nil},
		{goFile{rel: "xlsx/x.go", dir: "xlsx", imports: []string{"github.com/xuri/excelize/v2"}}, nil},
		{goFile{rel: "metrics/x.go", dir: "metrics", imports: []string{"github.com/prometheus/client_golang/prometheus"}}, nil},
		{goFile{rel: "httpapi/x.go", dir: "httpapi", imports: []string{"github.com/prometheus/client_golang/prometheus"}}, []string{"httpapi/x.go: imports github.com/prometheus/client_golang/prometheus"}},
	}
	for _, c := range cases {
		got := check(mod, []goFile{c.f})
		var keys []string
		for k := range got {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, c.want) {
			t.Errorf("%s importing %v (tx %v): violations %v, want %v", c.f.rel, c.f.imports, c.f.opensTx, keys, c.want)
		}
	}
}
