// Narratives used across the screening tests: invented, in the three styles police text comes in.
export const POSITIVES = {
  malcommsLog:
    'CAD 1234 - IP REPORTS EX-P HAS SENT 40+ MSGS ON WHATSAPP SINCE SAT, BLOCKED HIM X2 AND HE HAS MADE NEW ACCOUNTS. SUSP ALSO SEEN OUTSIDE IP WORK 1700HRS YESTERDAY AND TODAY. IP V SCARED, NOW GETTING TAXI HOME. NMO IN FORCE.',
  officerSummary:
    'The victim ended her relationship with the suspect in March. Since then he has followed her home from the station on at least three occasions and has left flowers and notes on her car. He has contacted her sister asking where she is living now. She has changed her route to work and has had new locks fitted.',
  victimStatement:
    'I have told him many times to leave me alone but he keeps turning up at my house late at night and sitting outside in his car. Last week he waited for me outside the gym again. I am terrified he is going to hurt me and I have not been able to sleep properly for weeks.',
  colleague:
    'Victim reports a male colleague has been sending her messages on Instagram every evening and has been waiting by her car in the staff car park after her shift. She has asked him to stop. He has now started commenting on all her posts and messaging her friends.',
  stranger:
    'RP states an unknown male has been standing across the road watching her house most nights this week. Same male was seen photographing her front door on Tuesday and again on Thursday. RP now keeps curtains closed and will not go out alone.',
};

export const HARD_NEGATIVES = {
  singleAbusiveMessage:
    'Victim received one abusive text message from an unknown number calling her names. No further messages have been received and she does not know who sent it.',
  oneOffFollowing:
    'RP walking home from town at 2330HRS when a male she did not know walked behind her for a short distance before turning off into a side street. RP not injured. No previous incidents.',
  parkingDispute:
    'Ongoing neighbour dispute over parking. RP states neighbour at number 12 keeps parking across his drive. Words exchanged this morning. Advised this is a civil matter.',
  civilMoney:
    'Caller states his former business partner owes him £4,000 and has not repaid the loan. He wants police to recover the money. Advised civil dispute, small claims court.',
  oneOffAssault:
    'Victim punched once in the face outside a pub by a male he had argued with over a spilt drink. Suspect left the scene. Victim does not know the suspect.',
  negatedBehaviour:
    'IP states ex-partner has not contacted her since the order was served in January and has not been back to the address. IP just wanted it recorded that she feels better. No concerns.',
};

export const CRLF_EMOJI_LOG =
  '0215HRS IP CALLING, SUSP (EX-BF) OUTSIDE AGAIN 😡\r\nSAYS HE SENT "ur dead if u go to the police 🔪" LAST NITE\r\nHAS DONE THIS X4 THIS WK. IP SCARED HE WILL KILL HER.';
