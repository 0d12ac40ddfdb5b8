package catalog_test

import (
	"fmt"

	"github.com/servicelane/servicelane/internal/catalog"
	"github.com/servicelane/servicelane/org"
)

func Example() {
	c := catalog.MustCompile(catalog.Config{Name: "shop", Kinds: []string{"money"}}, map[string]catalog.Def{
		"line": {Args: "qty item amount:money", Text: map[org.Lang]string{
			org.English:            "{qty} x {item} = {amount}",
			org.TraditionalChinese: "{item} {qty} 個，共 {amount}",
		}},
	})
	format := func(kind, v string, _ org.Lang) string {
		if kind == "money" {
			return catalog.GroupThousands(v)
		}
		return v
	}
	args := map[string]string{"qty": "3", "item": "tire", "amount": "12600"}
	for _, lang := range org.Langs() {
		s, _ := c.Render("line", lang, args, format)
		fmt.Println(s)
	}
	_, err := c.Render("line", org.English, map[string]string{"qty": "3"}, format)
	fmt.Println(err)
	// Output:
	// 3 x tire = 12,600
	// tire 3 個，共 12,600
	// catalog: message argument missing: line needs item, amount
}
