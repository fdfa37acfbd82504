package argos_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"net/url"
	"time"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

func ExampleLiveformURL() {
	link, err := argos.LiveformURL(&argos.LiveformParams{
		ProjectID:                 "p4n42yhhy",
		UserID:                    "user 42",
		CF1:                       "campaign+spring",
		DisableBlacklistCountries: true,
		Lang:                      "en",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(link)

	// Parameters Argos accepts only encrypted are refused in a plain URL.
	_, err = argos.LiveformURL(&argos.LiveformParams{ProjectID: "p4n42yhhy", AllowedCountries: []string{"KOR"}})
	fmt.Println(err)
	// Output:
	// https://form.argosidentity.com/?pid=p4n42yhhy&blacklistCountries=false&userid=user%2042&cf1=campaign%2Bspring&lang=en
	// argos: invalid AllowedCountries: is accepted only encrypted: use LiveformURLEncrypted
}

func ExampleLiveformURLEncrypted() {
	apiKey := "your-api-key" // or the liveform secretKey issued in the dashboard
	link, err := argos.LiveformURLEncrypted(&argos.LiveformParams{
		ProjectID:        "p4n42yhhy",
		Lang:             "ko",
		Email:            "applicant@example.com",
		AllowedCountries: []string{"USA", "KOR"},
		StartValidUntil:  time.Date(2026, 4, 30, 15, 0, 0, 0, time.UTC),
	}, apiKey)
	if err != nil {
		log.Fatal(err)
	}

	// Only pid, encrypted and lang are in clear; the rest is encrypted JSON.
	u, _ := url.Parse(link)
	payload, err := argos.DecryptPayload(apiKey, u.Query().Get("encrypted"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u.Query().Get("pid"), u.Query().Get("lang"))
	fmt.Println(string(payload))
	// Output:
	// p4n42yhhy ko
	// {"allowedCountries":"USA,KOR","email":"applicant@example.com","startValidUntil":"2026-04-30T15:00:00Z"}
}

// A return-URL handler reads what the browser brought back, then asks the
// API: the browser controls that URL, so only GetSubmission's answer counts.
func ExampleParseReturnURL() {
	client, srv := exampleClient()
	defer srv.Close()
	ctx := context.Background()

	// The applicant finished the liveform; their submission is held for review.
	srv.ScriptStep2(argostest.OutcomePending)
	s1 := exampleStep1(ctx, client, "user-42")
	if _, err := client.SubmitStep2(ctx, &argos.Step2Request{
		SubmissionID: s1.SubmissionID, FaceImage: &argos.File{Body: bytes.NewReader(argostest.SampleJPEG())},
		Name: "Test Applicant", DateOfBirth: "1990-01-01",
	}); err != nil {
		log.Fatal(err)
	}

	// The browser arrives with a status someone edited to "approved".
	ret, err := argos.ParseReturnURL("https://shop.example/kyc/done?submissionId=" + s1.SubmissionID +
		"&kycStatus=approved&userid=user-42")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("browser says:", ret.Status)

	sub, err := client.GetSubmission(ctx, ret.SubmissionID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("Argos says:", sub.KYC.Status)
	if sub.KYC.Status != ret.Status || sub.UserID != ret.UserID {
		fmt.Println("not confirmed: show the pending page")
	}
	// Output:
	// browser says: approved
	// Argos says: pending
	// not confirmed: show the pending page
}
