window.YTD.direct_messages.part0 = [
  {
    "dmConversation" : {
      "conversationId" : "9876543210-1354321987654321024",
      "messages" : [
        {
          "messageCreate" : {
            "recipientId" : "9876543210",
            "reactions" : [],
            "urls" : [
              {
                "url" : "https://t.co/Fel4nm4lan",
                "expanded" : "https://www.exempla.se/felanmalan",
                "display" : "exempla.se/felanmalan"
              }
            ],
            "text" : "Hej! Du kan felanmäla direkt här: https://t.co/Fel4nm4lan",
            "mediaUrls" : [],
            "senderId" : "1354321987654321024",
            "id" : "1764187500000000002",
            "createdAt" : "2024-03-03T09:30:00.000Z",
            "editHistory" : []
          }
        },
        {
          "messageCreate" : {
            "recipientId" : "1354321987654321024",
            "reactions" : [],
            "urls" : [],
            "text" : "Hej, gatlampan vid skolan är trasig igen. Vem ska jag kontakta?",
            "mediaUrls" : [],
            "senderId" : "9876543210",
            "id" : "1764180000000000001",
            "createdAt" : "2024-03-03T09:00:00.000Z",
            "editHistory" : []
          }
        }
      ]
    }
  }
]