package metrics_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/pgcert/pgcert/pkg/metrics"
)

func ExampleWrite() {
	metrics.Write(os.Stdout, []metrics.Family{{
		Name: "pgcert_certificate_days_left",
		Help: "Whole days until the certificate expires.",
		Type: metrics.Gauge,
		Samples: []metrics.Sample{{
			Labels: []metrics.Label{{Name: "file", Value: `/srv/pg "main"/server.crt`}},
			Value:  41,
		}},
	}})
	// Output:
	// # HELP pgcert_certificate_days_left Whole days until the certificate expires.
	// # TYPE pgcert_certificate_days_left gauge
	// pgcert_certificate_days_left{file="/srv/pg \"main\"/server.crt"} 41
}

func ExampleParse() {
	fams, err := metrics.Parse(strings.NewReader(`# HELP pgcert_renew_success 1 when the last renew succeeded.
# TYPE pgcert_renew_success gauge
pgcert_renew_success{data_directory="/var/lib/postgresql/15/main"} 1
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	s := fams[0].Samples[0]
	fmt.Println(fams[0].Name, fams[0].Type, s.Labels[0].Value, s.Value)
	// Output: pgcert_renew_success gauge /var/lib/postgresql/15/main 1
}

func ExampleFormatValue() {
	fmt.Println(metrics.FormatValue(1765036800), metrics.FormatValue(-3))
	// Output: 1.7650368e+09 -3
}
