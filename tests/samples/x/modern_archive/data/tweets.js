window.YTD.tweets.part0 = [
  {
    "tweet" : {
      "edit_info" : {
        "edit" : {
          "initialTweetId" : "1764954002027446279",
          "editControlInitial" : {
            "editTweetIds" : [
              "1764954002027446279",
              "1764959035192246279"
            ],
            "editableUntil" : "2024-03-05T11:00:00.000Z",
            "editsRemaining" : "4",
            "isEditEligible" : true
          }
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
        "56"
      ],
      "favorite_count" : "3",
      "id_str" : "1764959035192246279",
      "truncated" : false,
      "retweet_count" : "1",
      "id" : "1764959035192246279",
      "created_at" : "Tue Mar 05 10:20:00 +0000 2024",
      "favorited" : false,
      "full_text" : "Simhallen stänger kl 19 i dag på grund av personalbrist.",
      "lang" : "sv"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1764954002027446279",
            "1764959035192246279"
          ],
          "editableUntil" : "2024-03-05T11:00:00.000Z",
          "editsRemaining" : "4",
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
        "56"
      ],
      "favorite_count" : "3",
      "id_str" : "1764954002027446279",
      "truncated" : false,
      "retweet_count" : "1",
      "id" : "1764954002027446279",
      "created_at" : "Tue Mar 05 10:00:00 +0000 2024",
      "favorited" : false,
      "full_text" : "Simhallen stänger kl 18 i dag på grund av personalbrist.",
      "lang" : "sv"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1764557640299446279"
          ],
          "editableUntil" : "2024-03-10T00:00:00.000Z",
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
        "69"
      ],
      "favorite_count" : "3",
      "id_str" : "1764557640299446279",
      "truncated" : false,
      "retweet_count" : "1",
      "id" : "1764557640299446279",
      "created_at" : "Mon Mar 04 07:45:00 +0000 2024",
      "favorited" : false,
      "full_text" : "Vägarbete på Storgatan &amp; Torggatan i veckan. Kör försiktigt &lt;3",
      "lang" : "sv"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1763883196216246279"
          ],
          "editableUntil" : "2024-03-10T00:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [
          {
            "name" : "exempla",
            "screen_name" : "exempla",
            "indices" : [
              "0",
              "8"
            ],
            "id_str" : "1354321987654321024",
            "id" : "1354321987654321024"
          }
        ],
        "urls" : []
      },
      "display_text_range" : [
        "0",
        "87"
      ],
      "favorite_count" : "3",
      "id_str" : "1763883196216246279",
      "truncated" : false,
      "retweet_count" : "1",
      "id" : "1763883196216246279",
      "created_at" : "Sat Mar 02 11:05:00 +0000 2024",
      "favorited" : false,
      "full_text" : "@medborgare Uppdatering: en ny lampa är beställd och kommer på plats under nästa vecka.",
      "lang" : "sv",
      "in_reply_to_status_id_str" : "1763874388177846279",
      "in_reply_to_status_id" : "1763874388177846279",
      "in_reply_to_user_id" : "1354321987654321024",
      "in_reply_to_user_id_str" : "1354321987654321024",
      "in_reply_to_screen_name" : "exempla"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1763874388177846279"
          ],
          "editableUntil" : "2024-03-10T00:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [
          {
            "name" : "medborgare",
            "screen_name" : "medborgare",
            "indices" : [
              "0",
              "11"
            ],
            "id_str" : "9876543210",
            "id" : "9876543210"
          }
        ],
        "urls" : []
      },
      "display_text_range" : [
        "0",
        "82"
      ],
      "favorite_count" : "3",
      "id_str" : "1763874388177846279",
      "truncated" : false,
      "retweet_count" : "1",
      "id" : "1763874388177846279",
      "created_at" : "Sat Mar 02 10:30:00 +0000 2024",
      "favorited" : false,
      "full_text" : "@medborgare Tack för att du hör av dig! Vi skickar en felanmälan till gatuenheten.",
      "lang" : "sv",
      "in_reply_to_status_id_str" : "1763866838430646279",
      "in_reply_to_status_id" : "1763866838430646279",
      "in_reply_to_user_id" : "9876543210",
      "in_reply_to_user_id_str" : "9876543210",
      "in_reply_to_screen_name" : "medborgare"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1763474251576246279"
          ],
          "editableUntil" : "2024-03-10T00:00:00.000Z",
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
        "urls" : [
          {
            "url" : "https://t.co/AbC123xyz0",
            "expanded_url" : "https://www.exempla.se/bibliotek",
            "display_url" : "exempla.se/bibliotek",
            "indices" : [
              "66",
              "89"
            ]
          }
        ],
        "media" : [
          {
            "expanded_url" : "https://twitter.com/exempla/status/1763474251576246279/photo/1",
            "indices" : [
              "95",
              "118"
            ],
            "url" : "https://t.co/Xq7bPic0aB",
            "media_url" : "http://pbs.twimg.com/media/GHmNq2bXkAAw3Zp.jpg",
            "id_str" : "1763474240000000000",
            "id" : "1763474240000000000",
            "media_url_https" : "https://pbs.twimg.com/media/GHmNq2bXkAAw3Zp.jpg",
            "sizes" : {
              "large" : {
                "w" : "1600",
                "h" : "900",
                "resize" : "fit"
              }
            },
            "type" : "photo",
            "display_url" : "pic.twitter.com/Xq7bPic0aB"
          }
        ]
      },
      "display_text_range" : [
        "0",
        "113"
      ],
      "favorite_count" : "3",
      "id_str" : "1763474251576246279",
      "truncated" : false,
      "retweet_count" : "1",
      "id" : "1763474251576246279",
      "created_at" : "Fri Mar 01 08:00:00 +0000 2024",
      "favorited" : false,
      "full_text" : "Nu öppnar biblioteket i Exempla igen efter renoveringen! Läs mer: https://t.co/AbC123xyz0 https://t.co/Xq7bPic0aB",
      "lang" : "sv",
      "extended_entities" : {
        "media" : [
          {
            "expanded_url" : "https://twitter.com/exempla/status/1763474251576246279/photo/1",
            "indices" : [
              "95",
              "118"
            ],
            "url" : "https://t.co/Xq7bPic0aB",
            "media_url" : "http://pbs.twimg.com/media/GHmNq2bXkAAw3Zp.jpg",
            "id_str" : "1763474240000000000",
            "id" : "1763474240000000000",
            "media_url_https" : "https://pbs.twimg.com/media/GHmNq2bXkAAw3Zp.jpg",
            "sizes" : {
              "large" : {
                "w" : "1600",
                "h" : "900",
                "resize" : "fit"
              }
            },
            "type" : "photo",
            "display_url" : "pic.twitter.com/Xq7bPic0aB"
          }
        ]
      },
      "possibly_sensitive" : false
    }
  }
]