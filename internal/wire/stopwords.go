package wire

import "strings"

// stopwords are the most frequent words of each Latin-script language
// DetectLanguage knows: function words that every text is full of and that
// few other languages share. Forty or so each are enough to tell a
// paragraph's language.
var stopwords = map[string]string{
	"en": "the and of to in is that for it was on with as are be this by at from have has not but which or they he she his her an were their been will would its who said after more than there what about",
	"fr": "le la les des et est une un du dans que qui pour pas sur au aux avec ce cette sont par plus ont il elle ils nous vous mais ou été comme leur ses son même aussi être fait très entre",
	"es": "el la los las de del que y en un una es por con para se su sus al como más pero lo este esta ha han fue sobre también entre cuando muy sin hasta desde porque está son había ser",
	"de": "der die das und ist nicht ein eine zu den dem mit von sich des auf für im auch es an werden wird aus er sie nach bei wie noch einen einer sind hat oder aber über nur dass vor zum zur",
	"it": "il lo la gli le di che e è un una per non con del della dei delle nel nella sono al alla si come anche più ma ha questo questa da dal degli essere stato tra loro perché ci",
	"pt": "o a os as de do da dos das que e é um uma em no na nos nas para com não por se mais ao como mas foi ele ela são está também pelo pela seu sua já quando muito",
	"tr": "ve bir bu da de için ile çok olarak daha gibi ama en olan sonra kadar ne var değil her ki mi şu ancak göre yeni oldu olduğu tarafından ise hem veya şekilde bunu onun",
	"nl": "de het een en van is dat op te in zijn niet met voor die er aan ook als bij maar om door naar dan nog wordt heeft worden hij ze deze uit werd over kan tot wel",
	"sv": "och att det är som på en för med av till inte den har om jag de ett men var från vi kan så sig eller också skulle när efter hade blir vara detta bara där mycket",
	"no": "og i det er som på en til av for med har ikke jeg å den de om et men var fra kan vi seg skal etter hadde også eller blir ble så hun han være når dette bare",
	"fi": "ja on ei se että oli joka mutta kun myös ovat hän tai niin sen jo kuin ole vain nyt jos mukaan jälkeen voi vuoden tämä siitä ollut olisi hänen sekä koska sitä mitä kanssa",
	"pl": "i w na z się nie do to że jest o jak po co tak za od ale przez już jego dla był była są czy tylko może ten ta które który która jednak także oraz bardzo przy gdy",
}

// stopwordIndex maps each stopword to the languages that list it.
var stopwordIndex = func() map[string][]string {
	idx := make(map[string][]string)
	for lang, words := range stopwords {
		seen := map[string]bool{}
		for _, w := range strings.Fields(words) {
			if !seen[w] {
				seen[w] = true
				idx[w] = append(idx[w], lang)
			}
		}
	}
	return idx
}()
