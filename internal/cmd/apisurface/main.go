// Command apisurface counts the exported identifiers of a package from its
// source (go/ast; test files left out): types, functions, variables,
// constants, and the methods declared on exported types. It also lists the
// exported methods that exported struct types get from the unexported types
// they embed (promoted, as Raw from the embedded answer), which godoc shows
// on each type.
//
// From the module root:
//
//	go run ./internal/cmd/apisurface .        # the counts
//	go run ./internal/cmd/apisurface -list .  # and every name
package main

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

func main() {
	list := flag.Bool("list", false, "print every name, one a line")
	flag.Parse()
	dir := "."
	if flag.NArg() > 0 {
		dir = flag.Arg(0)
	}
	s := surface{names: map[string][]string{}, methods: map[string][]string{}, embeds: map[string][]string{}}
	if err := s.read(dir); err != nil {
		fmt.Fprintln(os.Stderr, "apisurface:", err)
		os.Exit(1)
	}
	s.promote()
	for _, k := range []string{"type", "func", "method", "var", "const", "promoted"} {
		sort.Strings(s.names[k])
		fmt.Printf("%-8s %d\n", k, len(s.names[k]))
		if *list {
			for _, n := range s.names[k] {
				fmt.Println("  " + n)
			}
		}
	}
	declared := len(s.names["type"]) + len(s.names["func"]) + len(s.names["method"]) + len(s.names["var"])
	fmt.Printf("without constants: %d declared, %d with the promoted methods\n", declared, declared+len(s.names["promoted"]))
}

// surface is what a package exports.
type surface struct {
	names   map[string][]string // by kind: type, func, method, var, const, promoted
	methods map[string][]string // exported methods by receiver type, exported or not
	embeds  map[string][]string // exported struct type: the unexported types it embeds
}

// read parses the package's non-test files in dir.
func (s *surface) read(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	fset := token.NewFileSet()
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, 0)
		if err != nil {
			return err
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				s.function(d)
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					s.spec(d.Tok, spec)
				}
			}
		}
	}
	return nil
}

func (s *surface) function(d *ast.FuncDecl) {
	if !d.Name.IsExported() {
		return
	}
	if d.Recv == nil {
		s.names["func"] = append(s.names["func"], d.Name.Name)
		return
	}
	recv := typeName(d.Recv.List[0].Type)
	s.methods[recv] = append(s.methods[recv], d.Name.Name)
	if ast.IsExported(recv) {
		s.names["method"] = append(s.names["method"], recv+"."+d.Name.Name)
	}
}

func (s *surface) spec(tok token.Token, spec ast.Spec) {
	switch sp := spec.(type) {
	case *ast.TypeSpec:
		if !sp.Name.IsExported() {
			return
		}
		s.names["type"] = append(s.names["type"], sp.Name.Name)
		if st, ok := sp.Type.(*ast.StructType); ok {
			for _, field := range st.Fields.List {
				if inner := typeName(field.Type); len(field.Names) == 0 && !ast.IsExported(inner) {
					s.embeds[sp.Name.Name] = append(s.embeds[sp.Name.Name], inner)
				}
			}
		}
	case *ast.ValueSpec:
		kind := "var"
		if tok == token.CONST {
			kind = "const"
		}
		for _, n := range sp.Names {
			if n.IsExported() {
				s.names[kind] = append(s.names[kind], n.Name)
			}
		}
	}
}

// promote lists the methods exported types get from unexported embedded
// types.
func (s *surface) promote() {
	for typ, inner := range s.embeds {
		for _, e := range inner {
			for _, m := range s.methods[e] {
				s.names["promoted"] = append(s.names["promoted"], typ+"."+m+" (from "+e+")")
			}
		}
	}
}

// typeName names the type of a receiver or an embedded field.
func typeName(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.StarExpr:
		return typeName(t.X)
	case *ast.Ident:
		return t.Name
	case *ast.IndexExpr:
		return typeName(t.X)
	}
	return ""
}
