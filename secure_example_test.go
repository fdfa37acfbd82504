package argos_test

import (
	"context"
	"fmt"
	"log"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

// A project with Secure Data Transmission on refuses plain submission reads:
// the client encrypts them with its API key and decrypts the answers.
func ExampleWithSecureTransmission() {
	srv := argostest.NewServer(argostest.WithSecureTransmission()) // the project has the option on
	defer srv.Close()
	client, err := argos.NewClient(srv.APIKey, argos.WithBaseURL(srv.BaseURL), argos.WithRootCAs(srv.RootCAs()),
		argos.WithSecureTransmission())
	if err != nil {
		log.Fatal(err)
	}
	defer client.CloseIdleConnections()
	ctx := context.Background()
	id := exampleApproved(ctx, client, "secure-user") // Step 1 and 2 are not covered: sent as usual

	sub, err := client.GetSubmission(ctx, id) // GET /submission?data=<encrypted {"submission_id": …}>
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("KYC:", sub.KYC.Status)
	for _, r := range srv.Requests() {
		if r.Path == "/submission" {
			fmt.Println("query parameters sent:", len(r.Query), "- data present:", r.Query.Has("data"))
		}
	}

	plain, err := argos.NewClient(srv.APIKey, argos.WithBaseURL(srv.BaseURL), argos.WithRootCAs(srv.RootCAs()))
	if err != nil {
		log.Fatal(err)
	}
	defer plain.CloseIdleConnections()
	_, err = plain.GetSubmission(ctx, id)
	fmt.Println(err)
	// Output:
	// KYC: approved
	// query parameters sent: 1 - data present: true
	// argos: GET /v3/submission: 400 Bad Request: Decryption is Failed. Please check the api-key.
}
