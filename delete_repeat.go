package argos

import (
	"errors"
	"net/http"
)

// repeat tells a DELETE call what its earlier attempts may have done. A
// DELETE is sent again when its answer is lost, and a repeat that finds
// nothing left to delete is most likely finding the earlier attempt's
// work, not a wrong ID. The call sets it; the loop in request.go fills it.
type repeat struct {
	// goneIsDone makes a not-found answer (ErrNotFound) after such an
	// attempt a success, with gone set.
	goneIsDone bool
	// earlier: an earlier attempt of the call may have reached Argos.
	earlier bool
	// gone: the last answer was a not-found after such an attempt.
	gone bool
}

// mayHaveLanded reports whether the pass that got a may have reached Argos
// and been processed there: it was given a connection, and then no answer
// came, the answer was cut short, or it was a 5xx (a server can fail after
// processing; a gateway may give up on a request the server still
// processes). A 429 or another 4xx says the request was refused.
func (ex *exchange) mayHaveLanded(a *reply) bool {
	return ex.passConnected.Load() && (a.err != nil || a.resp.StatusCode >= http.StatusInternalServerError)
}

// settle records, for a call that has a repeat, whether an earlier attempt
// may have landed; err is the last answer's error, if any. It reports
// whether err is a not-found the call takes as success.
func (r *repeat) settle(earlier bool, err error) bool {
	if r == nil {
		return false
	}
	r.earlier = earlier
	r.gone = earlier && r.goneIsDone && errors.Is(err, ErrNotFound)
	return r.gone
}
