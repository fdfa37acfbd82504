package argos_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

// fullMigration is every field of POST /submission/migration, as in
// testdata/v3/migration_request.json.
func fullMigration() *argos.MigrationRequest {
	return &argos.MigrationRequest{
		Admin: "yourAdmin@sample.com", Email: "migrated@example.com", FullName: "Hong Kil Dong", FirstName: "Kil Dong",
		LastName: "Hong", DateOfBirth: "1999-11-30", Status: argos.KYCApproved, IDType: "drvlic", IssuingCountry: "KOR",
		Nationality: "KOR", Gender: argos.GenderMale, DateOfIssue: "2017-10-19", DateOfExpiry: "2027-10-18",
		IPAddress: "203.0.113.7", IdentityNumber: "991130-1111111", DocumentNumber: "05-167-U0815",
		AddressCity: "Seoul", AddressCountry: "KOR", AddressState: "Seoul", AddressStreet: "1 Sejongno",
		AddressFull: "1 Sejongno, Jongno-gu, Seoul", CF1: "crm-4411", CF2: "tier-b", CF3: "legacy", UserID: "legacy-user-9",
	}
}

func TestMigrateSubmissionSendsEveryField(t *testing.T) {
	c, got := v3JSON(t, "v3/migration_success.json")
	res, err := c.MigrateSubmission(context.Background(), fullMigration())
	require.NoError(t, err)
	assert.EqualExportedValues(t, &argos.MigrationResult{Message: "success", SubmissionID: "submissionId123"}, res)
	reqs := got()
	require.Len(t, reqs, 1)
	assert.Equal(t, http.MethodPost, reqs[0].method)
	assert.Equal(t, "/v3/submission/migration", reqs[0].path)
	assert.Equal(t, "application/json", reqs[0].header.Get("Content-Type"))
	assert.JSONEq(t, string(fixture(t, "v3/migration_request.json")), string(reqs[0].body))
}

func TestMigrateSubmissionSendsTheRequiredFieldsAlone(t *testing.T) {
	c, got := v3JSON(t, "v3/migration_success.json")
	_, err := c.MigrateSubmission(context.Background(), &argos.MigrationRequest{Admin: "a@example.com", Email: "e@example.com",
		FullName: "A B", DateOfBirth: "1990-01-02", Status: argos.KYCRejected})
	require.NoError(t, err)
	assert.JSONEq(t, `{"admin":"a@example.com","email":"e@example.com","fullName":"A B","birthDate":"1990-01-02","kycStatus":"rejected"}`,
		string(got()[0].body))
}

func TestMigrateSubmissionNeedsTheNewSubmissionID(t *testing.T) {
	c, _ := v3Server(t, http.StatusOK, "application/json", []byte(`{"message":"success"}`))
	_, err := c.MigrateSubmission(context.Background(), fullMigration())
	assert.ErrorIs(t, err, argos.ErrUnexpectedResponse)
}

func TestMigrateSubmissionRefusesBadInputBeforeSending(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(r *argos.MigrationRequest)
		field string
	}{
		{"no admin", func(r *argos.MigrationRequest) { r.Admin = "" }, "Admin"},
		{"no email", func(r *argos.MigrationRequest) { r.Email = "" }, "Email"},
		{"a malformed email", func(r *argos.MigrationRequest) { r.Email = "not-an-email" }, "Email"},
		{"no full name", func(r *argos.MigrationRequest) { r.FullName = "" }, "FullName"},
		{"no birth date", func(r *argos.MigrationRequest) { r.DateOfBirth = "" }, "DateOfBirth"},
		{"a birth date in another format", func(r *argos.MigrationRequest) { r.DateOfBirth = "30.11.1999" }, "DateOfBirth"},
		{"no status", func(r *argos.MigrationRequest) { r.Status = "" }, "Status"},
		{"a pending status", func(r *argos.MigrationRequest) { r.Status = argos.KYCPending }, "Status"},
		{"a two-letter country", func(r *argos.MigrationRequest) { r.IssuingCountry = "KR" }, "IssuingCountry"},
		{"a bad expiry date", func(r *argos.MigrationRequest) { r.DateOfExpiry = "2027-13-01" }, "DateOfExpiry"},
		{"a control character in a custom field", func(r *argos.MigrationRequest) { r.CF2 = "a\x00b" }, "CF2"},
	} {
		t.Run(tc.name+" is a ValidationError naming "+tc.field, func(t *testing.T) {
			c, got := v3JSON(t, "v3/migration_success.json")
			r := fullMigration()
			tc.edit(r)
			_, err := c.MigrateSubmission(context.Background(), r)
			var ve *argos.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.Empty(t, got())
		})
	}
}

func TestFakeMigrationCreatesASubmissionGetAndListReturn(t *testing.T) {
	c, _ := fakeV3(t, argostest.WithAdmins("yourAdmin@sample.com"))
	ctx := context.Background()
	for _, idType := range []argos.IDType{"drvlic", argos.IDDriversLicense} {
		t.Run("idType "+string(idType)+" is accepted", func(t *testing.T) {
			r := fullMigration()
			r.IDType, r.Email = idType, string(idType)+"@example.com"
			res, err := c.MigrateSubmission(ctx, r)
			require.NoError(t, err)
			s, err := c.GetSubmission(ctx, res.SubmissionID)
			require.NoError(t, err)
			assert.Equal(t, "Hong Kil Dong", s.Data.Name)
			assert.Equal(t, "Kil Dong", s.Data.FirstName)
			assert.Equal(t, "1999-11-30", s.Data.DateOfBirth)
			assert.Equal(t, idType, s.Data.IDType)
			assert.Equal(t, "Seoul", s.Data.AddressCity)
			assert.Equal(t, "legacy-user-9", s.UserID)
			assert.Equal(t, argos.KYCApproved, s.KYC.Status)
			list, err := c.ListSubmissions(ctx, &argos.ListSubmissionsParams{Email: r.Email})
			require.NoError(t, err)
			require.Len(t, list.Items, 1)
			assert.Equal(t, res.SubmissionID, list.Items[0].ID)
		})
	}
	t.Run("an unknown admin is ErrInvalidAdmin", func(t *testing.T) {
		r := fullMigration()
		r.Admin = "stranger@example.com"
		_, err := c.MigrateSubmission(ctx, r)
		assert.ErrorIs(t, err, argos.ErrInvalidAdmin)
	})
	t.Run("an idType outside both lists is invalid_format", func(t *testing.T) {
		r := fullMigration()
		r.IDType = "library_card"
		_, err := c.MigrateSubmission(ctx, r)
		var apiErr *argos.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, "invalid_format", apiErr.Code)
		assert.Equal(t, "invalid format: idType", apiErr.Message)
	})
}
