package samtemplate

import (
	"go/types"
	"maps"
	"path"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/callgraph/rta"
	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/ssa"
	"golang.org/x/tools/go/ssa/ssautil"
)

// module is the project's module path.
const module = "github.com/foccolojas/promob-integration"

// awsServices maps the AWS SDK packages the project calls to their IAM
// service prefixes.
var awsServices = map[string]string{
	"github.com/aws/aws-sdk-go-v2/service/dynamodb":       "dynamodb",
	"github.com/aws/aws-sdk-go-v2/service/sqs":            "sqs",
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager": "secretsmanager",
}

// TestPoliciesMatchTheCode derives, for each function, the AWS operations
// its code can call and compares them with the actions its IAM statements
// grant: neither more nor less. The operations are found by Rapid Type
// Analysis of the program of functions/<name> (golang.org/x/tools): every
// function of the project reachable from its main that calls a method taking
// an SDK operation input (*dynamodb.GetItemInput → dynamodb:GetItem).
func TestPoliciesMatchTheCode(t *testing.T) {
	if testing.Short() {
		t.Skip("loads and analyses the whole program")
	}
	r := mustLoadProject(t)
	fns, err := r.Functions()
	if err != nil {
		t.Fatal(err)
	}
	pkgs, err := packages.Load(&packages.Config{Mode: packages.LoadAllSyntax, Dir: repoRoot}, "./functions/...")
	if err != nil {
		t.Fatal(err)
	}
	if packages.PrintErrors(pkgs) > 0 {
		t.Fatal("the functions do not load")
	}
	prog, ssaPkgs := ssautil.AllPackages(pkgs, ssa.InstantiateGenerics)
	prog.Build()
	mains := map[string]*ssa.Package{}
	for _, p := range ssaPkgs {
		if p != nil && p.Pkg.Name() == "main" {
			mains[path.Base(p.Pkg.Path())] = p
		}
	}
	for _, fn := range fns {
		t.Run(fn.LogicalID, func(t *testing.T) {
			main := mains[functionDir(fn.LogicalID)]
			if main == nil {
				t.Fatalf("no main package functions/%s", functionDir(fn.LogicalID))
			}
			roots := []*ssa.Function{main.Func("main"), main.Func("init")}
			called := operations(called(rta.Analyze(roots, true), roots))
			granted := map[string]bool{}
			for _, st := range statements(t, fn) {
				for _, a := range st.Action {
					granted[a] = true
				}
			}
			// The event source mapping (not the function's code) receives
			// and deletes messages; SAM grants that itself.
			got, want := slices.Sorted(maps.Keys(granted)), slices.Sorted(maps.Keys(called))
			if !slices.Equal(got, want) {
				t.Errorf("the template grants %v\nthe code calls     %v", got, want)
			}
		})
	}
}

// called returns the functions reachable from roots along the call graph's
// edges. RTA's Reachable also holds every exported method of a type that
// reflection could see (all of the store's), which no code here calls that
// way; and RTA lets a call of a function value reach every function of that
// signature whose value is taken anywhere in Reachable (reflect.Value.Call
// reaching them by edges without a call site). So an edge that is not a
// static or interface call is followed only to a function whose value is
// taken by a function already called: a closure is called only once the
// code that makes it runs.
func called(res *rta.Result, roots []*ssa.Function) map[*ssa.Function]bool {
	takers := valueTakers(res)
	seen := map[*ssa.Function]bool{}
	waiting := map[*ssa.Function][]*ssa.Function{} // function taken by → dynamic callees waiting for it
	var visit func(f *ssa.Function)
	visit = func(f *ssa.Function) {
		if seen[f] {
			return
		}
		seen[f] = true
		for _, g := range waiting[f] {
			visit(g)
		}
		n := res.CallGraph.Nodes[f]
		if n == nil {
			return
		}
		for _, e := range n.Out {
			callee := e.Callee.Func
			direct := e.Site != nil && (e.Site.Common().StaticCallee() != nil || e.Site.Common().IsInvoke())
			if direct || len(takers[callee]) == 0 {
				visit(callee)
				continue
			}
			for _, taker := range takers[callee] {
				if seen[taker] {
					visit(callee)
					break
				}
				waiting[taker] = append(waiting[taker], callee)
			}
		}
	}
	for _, f := range roots {
		visit(f)
	}
	return seen
}

// valueTakers maps each function whose value is taken (a closure made, a
// function used as a value) to the reachable functions that take it.
func valueTakers(res *rta.Result) map[*ssa.Function][]*ssa.Function {
	takers := map[*ssa.Function][]*ssa.Function{}
	for f := range res.Reachable {
		for _, b := range f.Blocks {
			for _, instr := range b.Instrs {
				if mc, ok := instr.(*ssa.MakeClosure); ok {
					takers[mc.Fn.(*ssa.Function)] = append(takers[mc.Fn.(*ssa.Function)], f)
					continue
				}
				call, isCall := instr.(ssa.CallInstruction)
				for i, op := range instr.Operands(nil) {
					if isCall && i == 0 && call.Common().StaticCallee() != nil {
						continue // the callee of a static call, not a value
					}
					if g, ok := (*op).(*ssa.Function); ok {
						takers[g] = append(takers[g], f)
					}
				}
			}
		}
	}
	return takers
}

// operations returns the AWS operations the project's code among fns calls.
func operations(fns map[*ssa.Function]bool) map[string]bool {
	ops := map[string]bool{}
	for f := range fns {
		if !inProject(f) {
			continue
		}
		for _, b := range f.Blocks {
			for _, instr := range b.Instrs {
				call, ok := instr.(ssa.CallInstruction)
				if !ok {
					continue
				}
				params := call.Common().Signature().Params()
				for i := range params.Len() {
					if op := operation(params.At(i).Type()); op != "" {
						ops[op] = true
					}
				}
			}
		}
	}
	return ops
}

// inProject reports whether f is the project's own code (infra excepted:
// it never runs in the cloud).
func inProject(f *ssa.Function) bool {
	for f.Pkg == nil && f.Origin() != nil && f.Origin() != f {
		f = f.Origin()
	}
	if f.Pkg == nil {
		return false
	}
	p := f.Pkg.Pkg.Path()
	return strings.HasPrefix(p, module+"/") && !strings.HasPrefix(p, module+"/infra/")
}

// operation returns "service:Op" for *<service>.<Op>Input of an AWS SDK
// package the project calls, else "".
func operation(t types.Type) string {
	ptr, ok := t.(*types.Pointer)
	if !ok {
		return ""
	}
	named, ok := ptr.Elem().(*types.Named)
	if !ok || named.Obj().Pkg() == nil {
		return ""
	}
	service, ok := awsServices[named.Obj().Pkg().Path()]
	name, isInput := strings.CutSuffix(named.Obj().Name(), "Input")
	if !ok || !isInput {
		return ""
	}
	return service + ":" + name
}
