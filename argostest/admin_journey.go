package argostest

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/kycgo/argos"
)

// maxAdminSeed bounds POST /_admin/submissions.
const maxAdminSeed = 100_000

// step1OutcomesByName are the admin names of the Step1Outcome constants:
// "read" and the retry codes.
var step1OutcomesByName = func() map[string]Step1Outcome {
	m := map[string]Step1Outcome{"read": Step1Read}
	for i := 1; i < len(step1Failures); i++ {
		m[string(step1Failures[i].code)] = Step1Outcome(i)
	}
	return m
}()

// adminStep1Script serves POST /_admin/step1-script.
func (fk *fake) adminStep1Script(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Outcomes []string `json:"outcomes"`
	}
	if !decodeAdmin(w, r, &in) {
		return
	}
	if outcomes, ok := byNames(w, in.Outcomes, step1OutcomesByName, "Step 1 outcome"); ok {
		fk.ScriptStep1(outcomes...)
		w.WriteHeader(http.StatusNoContent)
	}
}

// adminAdvance serves POST /_admin/advance.
func (fk *fake) adminAdvance(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Duration string `json:"duration"`
	}
	if !decodeAdmin(w, r, &in) {
		return
	}
	d, err := time.ParseDuration(in.Duration)
	if err != nil || d <= 0 {
		badRequest(w, `duration must be a positive Go duration such as "90s" or "24h"`)
		return
	}
	fk.Advance(d)
	w.WriteHeader(http.StatusNoContent)
}

// adminLiveform serves POST /_admin/liveform.
func (fk *fake) adminLiveform(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Link      string `json:"link"`
		Applicant struct {
			Name           string `json:"name"`
			DateOfBirth    string `json:"date_of_birth"`
			Email          string `json:"email"`
			IDType         string `json:"id_type"`
			IssuingCountry string `json:"issuing_country"`
			Outcome        string `json:"outcome"`
		} `json:"applicant"`
	}
	if !decodeAdmin(w, r, &in) {
		return
	}
	a := in.Applicant
	outcome := OutcomeApprove
	if a.Outcome != "" {
		o, ok := byNames(w, []string{a.Outcome}, outcomesByName, "outcome")
		if !ok {
			return
		}
		outcome = o[0]
	}
	res, err := fk.Liveform(r.Context(), in.Link, Applicant{Name: a.Name, DateOfBirth: a.DateOfBirth, Email: a.Email,
		IDType: argos.IDType(a.IDType), IssuingCountry: a.IssuingCountry, Outcome: outcome})
	var ve *argos.ValidationError
	switch {
	case errors.As(err, &ve):
		badRequest(w, ve.Error())
		return
	case err != nil:
		writeMessage(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{
		"return_url": res.ReturnURL, "submission_id": res.SubmissionID, "error_code": res.ErrorCode,
	})
}

// adminSubmissions serves POST /_admin/submissions.
func (fk *fake) adminSubmissions(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Count int `json:"count"`
	}
	if !decodeAdmin(w, r, &in) {
		return
	}
	if in.Count < 1 || in.Count > maxAdminSeed {
		badRequest(w, fmt.Sprintf("count must be between 1 and %d", maxAdminSeed))
		return
	}
	writeJSON(w, http.StatusOK, map[string][]string{"submission_ids": fk.AddSubmissions(in.Count)})
}
