package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/servicelane/servicelane/org"
)

var (
	yamlLine          = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	yamlUnknownAnchor = regexp.MustCompile(`^yaml: unknown anchor '(.*)' referenced$`)
)

// yamlParserProblems are the problems yaml's parser (not its scanner)
// reports. yaml.v3 gives these the line of their mark counted from 0, so
// one less than the line in an editor; it leaves the line out when it is
// 0.
var yamlParserProblems = []string{
	"did not find expected <stream-start>", "did not find expected <document start>",
	"did not find expected node content", "did not find expected '-' indicator", "did not find expected key",
	"did not find expected ',' or ']'", "did not find expected ',' or '}'", "found undefined tag handle",
	"found duplicate %YAML directive", "found incompatible YAML document", "found duplicate %TAG directive",
}

// parseYAML parses one YAML document into its top node, or reports why it
// cannot.
func (l *loader) parseYAML(data []byte) (root *yaml.Node) {
	defer func() {
		// The parser turns its own failures into errors; this catches
		// anything else, so that no input can panic a host.
		if r := recover(); r != nil {
			l.add(filePos{}, "", org.CodeFormat, fmt.Sprintf("yaml: cannot parse: %v", r))
			root = nil
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			l.add(filePos{}, "", org.CodeRequired, "the file is empty: it holds no "+l.opt.Noun)
		} else {
			l.yamlSyntax(err, data)
		}
		return nil
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		l.yamlSyntax(err, data)
		return nil
	default:
		l.add(nodePos(&next), "", org.CodeInvalid, "a second YAML document starts here; a "+l.opt.Noun+" file holds one")
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		l.add(nodePos(&doc), "", org.CodeRequired, "the file holds no "+l.opt.Noun)
		return nil
	}
	return doc.Content[0]
}

// yamlSyntax reports a parse error at its line; yaml gives no column.
func (l *loader) yamlSyntax(err error, data []byte) {
	msg := err.Error()
	var p filePos
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		p.line, _ = strconv.Atoi(m[1])
		msg = "yaml: " + m[2]
	}
	if slices.Contains(yamlParserProblems, strings.TrimPrefix(msg, "yaml: ")) {
		p.line++
	}
	if m := yamlUnknownAnchor.FindStringSubmatch(msg); m != nil {
		if i := bytes.Index(data, []byte("*"+m[1])); i >= 0 {
			p = offsetPosition(data, i)
		}
	}
	l.add(p, "", org.CodeFormat, msg)
}
