package argostest

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// endpoint serves one method of one path. statusWriter records the status
// it sends.
type endpoint func(h *Handler, w http.ResponseWriter, r *http.Request, b *body)

// route is one endpoint: its net/http.ServeMux pattern under /v3, such as
// "POST /v3/submission/review" or
// "GET /v3/submission/aml/monitor/{worklistId}/{recordId}" (the endpoint
// reads the IDs with r.PathValue), the versions that answer it, and what
// serves it. Each resource file declares its own table of routes beside its
// endpoints; a new resource is a new file with its table, added to
// apiRoutes.
type route struct {
	pattern  string
	versions versions
	serve    endpoint
}

// versions says which version prefixes answer a route.
type versions bool

const (
	// onlyV3: the vendor documents the endpoint only under /v3; /v2 answers
	// it as API Gateway answers an unknown route.
	onlyV3 versions = false
	// v2AndV3: the deprecated API guide documents the endpoint under /v2,
	// and /v3 has it at the same path.
	v2AndV3 versions = true
)

// apiRoutes are the tables of the resource files.
var apiRoutes = [][]route{
	submissionRoutes, stepRoutes, addressRoutes, fileRoutes, updateRoutes, partialRoutes, migrationRoutes,
	reviewRoutes, tokenRoutes, amlMonitorRoutes, faceAuthRoutes,
}

// newMux registers the routes on a ServeMux, each under /v3 and, for
// v2AndV3, under /v2. Beside them it registers what API Gateway, in front
// of Argos, answers for the rest: 403 "Missing Authentication Token" for a
// path the API has asked with a method it does not have (HEAD included,
// which a GET pattern would otherwise take) or under /v2 when only /v3 has
// it, and 404 "Not Found" for any other path. Two endpoints for the same
// method and path panic, as ServeMux does.
func (h *Handler) newMux(tables ...[]route) *http.ServeMux {
	mux := http.NewServeMux()
	missingToken := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeMessage(w, http.StatusForbidden, msgMissingToken)
	})
	gateway := map[string]bool{} // the method-less patterns registered
	for _, table := range tables {
		for _, rt := range table {
			method, rest := splitPattern(rt.pattern)
			prefixes := []string{"/v3"}
			if rt.versions == v2AndV3 {
				prefixes = append(prefixes, "/v2")
			}
			for _, v := range prefixes {
				mux.Handle(method+" "+v+rest, h.handlerOf(rt.serve))
				if method == http.MethodGet {
					mux.Handle(http.MethodHead+" "+v+rest, missingToken)
				}
			}
			for _, v := range []string{"/v2", "/v3"} {
				if !gateway[v+rest] {
					gateway[v+rest] = true
					mux.Handle(v+rest, missingToken)
				}
			}
		}
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		writeMessage(w, http.StatusNotFound, msgNotFound)
	})
	return mux
}

// splitPattern splits "GET /v3/submission" into "GET" and "/submission".
// A pattern without a method or outside /v3 is a programming error and
// panics.
func splitPattern(pattern string) (method, rest string) {
	method, path, ok := strings.Cut(pattern, " ")
	rest, under := strings.CutPrefix(path, "/v3/")
	if !ok || method == "" || !under {
		panic("argostest: route pattern " + pattern + " is not \"METHOD /v3/path\"")
	}
	return method, "/" + rest
}

// bodyKey is the context key of the body ServeHTTP read, for the endpoint
// the mux picks.
type bodyKey struct{}

// handlerOf adapts ep to the mux: it hands ep the body ServeHTTP read, and
// refuses a body too large once the route is known, as the gateway does.
func (h *Handler) handlerOf(ep endpoint) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := r.Context().Value(bodyKey{}).(*body) // route puts it there
		if b.tooLarge {
			writeMessage(w, http.StatusRequestEntityTooLarge, msgTooLarge)
			return
		}
		ep(h, w, r, b)
	})
}

// route serves r, whose path below version is path, with the endpoint the
// mux picks, or with the gateway's answer for an unknown route.
func (h *Handler) route(w http.ResponseWriter, r *http.Request, version, path string, b *body) {
	p := strings.TrimSuffix(path, "/")
	if version == "" || p == "" || strings.Contains(p, "//") {
		// No route has an empty segment.
		writeMessage(w, http.StatusNotFound, msgNotFound)
		return
	}
	// The mux matches the escaped path, segment by segment, after cleaning
	// it. Escaping each segment again, dots included, keeps "." and ".." as
	// the IDs they are here, and an escaped slash of the request a slash.
	segs := strings.Split(p[1:], "/")
	for i, s := range segs {
		segs[i] = strings.ReplaceAll(url.PathEscape(s), ".", "%2E")
	}
	u := *r.URL
	u.Path, u.RawPath = "/"+version+p, "/"+version+"/"+strings.Join(segs, "/")
	mr := r.WithContext(context.WithValue(r.Context(), bodyKey{}, b))
	mr.URL = &u
	h.mux.ServeHTTP(w, mr)
}
