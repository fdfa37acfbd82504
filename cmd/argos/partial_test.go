package main

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

func TestPurgeFields(t *testing.T) {
	t.Run("without --yes it lists what it would erase", func(t *testing.T) {
		f, _, _ := purgeSetup(t)
		f.srv.ResetRequests()
		r := f.v3().run(t, "purge", "--until", "2024-01-01", "--fields", "email,data", "--data-fields", "name,date_of_birth")
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "purge_fields_preview.golden", r.stdout)
		for _, req := range f.srv.Requests() {
			assert.Equal(t, http.MethodGet, req.Method)
		}
		r = f.v3().run(t, "purge", "--until", "2024-01-01", "--fields", "selfie_image", "--user", "u-1", "--json")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.JSONEq(t, `{"dry_run":true,"would_delete":2,"already_deleted":0,"submission_ids":["sub-0001","sub-0003"],"outside_filters":0,"fields":["selfie_image"]}`, r.stdout)
	})
	t.Run("--yes erases those parts of the old submissions only, and logs what it erased", func(t *testing.T) {
		f, old, recent := purgeSetup(t)
		logFile := f.path("purge.log")
		r := f.v3().run(t, "purge", "--until", "2024-01-01", "--yes", "--log", logFile, "--fields", "email,data",
			"--data-fields", "name,date_of_birth", "--admin", argostest.DefaultAdmin, "--rate", "1000")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Equal(t, "erased 12, already gone 0, failed 0, not started 0, skipped 0 already deleted; log: "+logFile+"\n", r.stdout)
		got := checkLog(t, f, logFile, nil)
		assert.ElementsMatch(t, old, got[evDeleted])
		run := logLines(t, logFile)[0]
		assert.Equal(t, []argos.PartialField{argos.PartialEmail, argos.PartialData}, run.Fields)
		assert.Equal(t, []argos.DataField{argos.DataFieldName, argos.DataFieldDateOfBirth}, run.DataFields)

		alice := f.serverView(t, old[0])
		assert.Empty(t, alice.Email)
		assert.Empty(t, alice.Data.Name)
		assert.Empty(t, alice.Data.DateOfBirth)
		assert.Equal(t, "u-1", alice.UserID, "the user ID was not asked for")
		assert.Equal(t, "KOR", alice.Data.Nationality, "other data fields stay")
		assert.NotEqual(t, deletedName, alice.Data.Name, "the submission is not deleted")
		for _, id := range recent {
			assert.NotEmpty(t, f.serverView(t, id).Email, "%s is newer than --until", id)
		}
	})
	t.Run("an erasure whose answer was lost is confirmed by reading the submission back", func(t *testing.T) {
		f, old, _ := purgeSetup(t)
		logFile := f.path("purge.log")
		// The first erasure's four tries (three retries) all lose their answer.
		f.srv.InjectFault(argostest.Fault{Method: http.MethodDelete, Truncate: true, Times: 4})
		r := f.v3().run(t, "purge", "--until", "2024-01-01", "--yes", "--log", logFile, "--fields", "email,userid",
			"--concurrency", "1", "--rate", "1000")
		require.Equal(t, exitOK, r.code, r.stderr)
		got := checkLog(t, f, logFile, nil)
		assert.Len(t, got[evGone], 1, "confirmed by the lookup")
		assert.Len(t, got[evDeleted], len(old)-1)
	})
	t.Run("a lost answer for a part the submission does not show is a failure, and a re-run erases it", func(t *testing.T) {
		f, _, _ := purgeSetup(t)
		logFile := f.path("purge.log")
		f.srv.InjectFault(argostest.Fault{Method: http.MethodDelete, Truncate: true, Times: 4})
		args := []string{"purge", "--until", "2024-01-01", "--yes", "--log", logFile, "--fields", "injection_action", "--concurrency", "1", "--rate", "1000"}
		r := f.v3().run(t, args...)
		assert.Equal(t, exitPartial, r.code, r.stderr)
		assert.Contains(t, r.stderr, "1 of 12 items failed")
		r = f.v3().run(t, args...)
		require.Equal(t, exitOK, r.code, r.stderr)
		checkLog(t, f, logFile, nil)
	})

	f, _, _ := purgeSetup(t)
	usage := []struct {
		name       string
		f          *fixture
		args       []string
		wantStderr string
	}{
		{"a v2 base URL", f.v2(), []string{"--fields", "email"}, "purge --fields calls the v3 API, and the base URL is v2 (" + f.srv.URL("v2") +
			"): set ARGOS_BASE_URL=" + f.srv.URL("v3") + "\n"},
		{"an unknown part", f.v3(), []string{"--fields", "email,selfie"}, `--fields: "selfie" is not one of id_image, selfie_image, data`},
		{"a part in the wrong case", f.v3(), []string{"--fields", "ocr_raw"}, `"ocr_raw" is not one of`},
		{"an empty list", f.v3(), []string{"--fields", ","}, `--fields: "" is not one of`},
		{"an unknown data field", f.v3(), []string{"--fields", "data", "--data-fields", "passport"}, `--data-fields: "passport" is not one of`},
		{"--data-fields without data in --fields", f.v3(), []string{"--fields", "email", "--data-fields", "name"}, "--data-fields needs data in --fields"},
		{"--data-fields without --fields", f.v3(), []string{"--data-fields", "name"}, "--data-fields needs --fields data"},
	}
	for _, tt := range usage {
		t.Run(tt.name+" is a usage error and nothing is sent", func(t *testing.T) {
			f.srv.ResetRequests()
			r := tt.f.run(t, append([]string{"purge", "--until", "2024-01-01", "--yes"}, tt.args...)...)
			assert.Equal(t, exitUsage, r.code, r.stderr)
			assert.Contains(t, r.stderr, tt.wantStderr)
			assert.Empty(t, f.srv.Requests())
		})
	}
}

func TestErased(t *testing.T) {
	var s argos.Submission
	require.NoError(t, json.Unmarshal([]byte(`{"submission_id":"s","email":"","userid":"u-1",
		"data":{"name":"","date_of_birth":"","nationality":"KOR"},"image":{"idImage":"","selfieImage":"k"},
		"OCR_raw":null,"review":{"a":"","b":[]},"additional_list":{"x":"y"}}`), &s))
	tests := []struct {
		name     string
		fields   []argos.PartialField
		dataOnly []argos.DataField
		want     bool
	}{
		{"an empty email is erased", []argos.PartialField{"email"}, nil, true},
		{"a user ID is not", []argos.PartialField{"userid"}, nil, false},
		{"empty data fields are erased", []argos.PartialField{"data"}, []argos.DataField{"name", "date_of_birth"}, true},
		{"a data field with a value is not", []argos.PartialField{"data"}, []argos.DataField{"name", "nationality"}, false},
		{"the whole data object with a value left is not", []argos.PartialField{"data"}, nil, false},
		{"no ID image is erased", []argos.PartialField{"id_image"}, nil, true},
		{"a selfie key is not", []argos.PartialField{"selfie_image"}, nil, false},
		{"null and objects of empty values are erased", []argos.PartialField{"OCR_raw", "review"}, nil, true},
		{"an object with a value is not", []argos.PartialField{"additional_list"}, nil, false},
		{"a part the submission does not show cannot be confirmed", []argos.PartialField{"custom_duplicated_information"}, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, erased(&s, &argos.DeleteFieldsRequest{Fields: tt.fields, DataFields: tt.dataOnly}))
		})
	}
}
