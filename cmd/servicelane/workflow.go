package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/servicelane/servicelane/servicedesk"
)

// workflowCommand prints the work order's transition table as a diagram.
func workflowCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("workflow", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "mermaid", "mermaid (for Markdown) or dot (Graphviz)")
	express := fs.Bool("express", false, "include the express-lane option's transitions")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return exitUsage
	}
	if len(rest) > 0 {
		fmt.Fprintf(stderr, "servicelane: workflow: unexpected arguments %q\n", rest)
		return exitUsage
	}
	opts := servicedesk.Options{ExpressLane: *express}
	switch *format {
	case "mermaid":
		fmt.Fprint(stdout, servicedesk.Mermaid(opts))
	case "dot":
		fmt.Fprint(stdout, servicedesk.DOT(opts))
	default:
		fmt.Fprintf(stderr, "servicelane: workflow: -format is mermaid or dot, not %q\n", *format)
		return exitUsage
	}
	return exitOK
}
