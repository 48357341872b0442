package probe_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/pgcert/pgcert/pkg/probe"
)

func ExampleCommand_Fleet() {
	one := probe.Command{Targets: []string{"db1.example.com"}}
	two := probe.Command{Targets: []string{"db1.example.com", "db2.example.com"}}
	listed := probe.Command{TargetsFile: "fleet.txt"}
	fmt.Println(one.Fleet(), two.Fleet(), listed.Fleet())
	// Output:
	// false true true
}

func ExampleCommand_Validate() {
	c := probe.Command{Targets: []string{"[::1]:5433"}, SSLMode: "verify-full", Timeout: probe.DefaultTimeout}
	fmt.Println(c.Validate(), c.Host, c.Port)
	c.SSLMode = "prefer"
	fmt.Println(c.Validate())
	fleet := probe.Command{Targets: []string{"db1", "db2"}, HostAddr: "10.0.0.5", Parallel: 1}
	fmt.Println(fleet.Validate())
	// Output:
	// <nil> ::1 5433
	// --sslmode must be one of require, verify-ca, verify-full, not "prefer"
	// --hostaddr goes with one HOST; for many, give hostaddr in a --service-file
}

func ExampleCommand_Run() {
	port, stop := sslOffServer()
	defer stop()
	c := probe.Command{Targets: []string{"127.0.0.1:" + strconv.Itoa(port)}, SSLMode: "verify-full", Timeout: 10 * time.Second}
	if err := c.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	_, err := c.Run(context.Background(), probe.Env{ReadFile: os.ReadFile, DefaultRoot: "/nonexistent/root.crt"})
	fmt.Println(strings.Contains(err.Error(), "the server refuses SSL: it answered 'N' to SSLRequest"))
	// Output:
	// true
}

func ExampleCommand_RunFleet() {
	port, stop := sslOffServer()
	defer stop()
	c := probe.Command{
		Targets: []string{"127.0.0.1:" + strconv.Itoa(port), "[::1]:" + strconv.Itoa(port)},
		SSLMode: "verify-full", Timeout: 10 * time.Second, Parallel: 2,
	}
	if err := c.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	rep, err := c.RunFleet(context.Background(), probe.Env{ReadFile: os.ReadFile, DefaultRoot: "/nonexistent/root.crt"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rep.Targets[0].Status, rep.OK)
	// Output:
	// no-ssl false
}
