window.YTD.deleted_tweets.part0 = [
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1759869247288246279"
          ],
          "editableUntil" : "2024-02-20T10:15:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "display_text_range" : [
        "0",
        "57"
      ],
      "favorite_count" : "3",
      "id_str" : "1759869247288246279",
      "truncated" : false,
      "retweet_count" : "1",
      "id" : "1759869247288246279",
      "created_at" : "Tue Feb 20 09:15:00 +0000 2024",
      "favorited" : false,
      "full_text" : "Kommunfullmäktige sammanträder torsdag 22 februari kl 18.",
      "lang" : "sv",
      "deleted_at" : "2024-02-21T09:00:00.000Z"
    }
  }
]