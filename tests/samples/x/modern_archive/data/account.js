window.YTD.account.part0 = [
  {
    "account" : {
      "createdVia" : "web",
      "username" : "exempla",
      "accountId" : "1354321987654321024",
      "createdAt" : "2021-02-08T08:00:00.000Z",
      "accountDisplayName" : "Exempla kommun"
    }
  }
]