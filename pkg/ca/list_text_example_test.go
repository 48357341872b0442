package ca_test

import (
	"os"

	"github.com/pgcert/pgcert/pkg/ca"
)

// listed are two certificates of a CA's index, one revoked.
func listed() []ca.ListedCert {
	at, reason, file := "2026-03-01T00:00:00Z", "keyCompromise", "newcerts/6F07.pem"
	return []ca.ListedCert{
		{Status: "valid", Serial: "6F07", Subject: "CN=db.example.com", Expires: "2027-01-01T00:00:00Z", File: &file},
		{Status: "revoked", Serial: "1A2B3C4D", Subject: "CN=app", Expires: "2027-02-01T00:00:00Z", RevokedAt: &at, Reason: &reason},
	}
}

func ExampleNewListTable() {
	w := ca.NewListTable(os.Stdout)
	for _, lc := range listed() {
		if err := w.Add(&lc); err != nil {
			panic(err)
		}
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
	// Output:
	// STATUS   SERIAL    EXPIRES     REVOKED                   SUBJECT
	// valid    6F07      2027-01-01  -                         CN=db.example.com
	// revoked  1A2B3C4D  2027-02-01  2026-03-01 keyCompromise  CN=app
}

func ExampleNewListJSON() {
	w := ca.NewListJSON(os.Stdout, "/srv/ca")
	lc := listed()[0]
	if err := w.Add(&lc); err != nil {
		panic(err)
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
	// Output:
	// {
	//   "ca_dir": "/srv/ca",
	//   "certificates": [
	//     {
	//       "status": "valid",
	//       "serial": "6F07",
	//       "subject": "CN=db.example.com",
	//       "expires": "2027-01-01T00:00:00Z",
	//       "revoked_at": null,
	//       "reason": null,
	//       "file": "newcerts/6F07.pem"
	//     }
	//   ]
	// }
}
